//
// OpenFileLimit.h
//


#ifndef Nash_OpenFileLimit_INCLUDED
#define Nash_OpenFileLimit_INCLUDED


#include <string>


namespace Nash {


class OpenFileLimit
	/// The process's limit on open files. Every open stream costs two (the
	/// client's connection and the upstream's), and the soft limit many
	/// systems start a process with (1024) would cap the server at a few
	/// hundred streams whatever its settings say.
{
public:
	static std::string raiseToHard();
		/// Raises the soft limit to the hard one and says what the limit was
		/// and is, for the log. Where the system has no such limits
		/// (Windows), says so and changes nothing.

	static long long current();
		/// The soft limit now; -1 when unlimited or unknown.
};


} // namespace Nash


#endif // Nash_OpenFileLimit_INCLUDED
