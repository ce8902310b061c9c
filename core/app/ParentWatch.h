//
// ParentWatch.h
//
// Ends the server with the program that started it.
//


#ifndef Nash_ParentWatch_INCLUDED
#define Nash_ParentWatch_INCLUDED


namespace Nash {


class ParentWatch
	/// For --exit-with-parent: a desktop app that starts the server as a
	/// child with a pipe on its standard input (the Nash app does) may quit
	/// without stopping it. The server then asks itself to terminate, as on
	/// SIGTERM, when its standard input reaches its end (the pipe closed)
	/// or its parent process is gone.
{
public:
	static void start();
		/// Starts the watching threads; they run until the process ends.
};


} // namespace Nash


#endif // Nash_ParentWatch_INCLUDED
