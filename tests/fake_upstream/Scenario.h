//
// Scenario.h
//


#ifndef FakeUpstream_Scenario_INCLUDED
#define FakeUpstream_Scenario_INCLUDED


#include <string>


namespace FakeUpstream {


struct Scenario
	/// How to answer one request, chosen by its model name so that tests need
	/// no state in the fake:
	///
	///   fault-NNN            status NNN (400..599) with the API's error body;
	///                        429 always carries Retry-After: 1
	///   fault-NNN-once[-X]   status NNN for the first request with this exact
	///                        model name, success afterwards (a suffix X
	///                        gives a test its own "once")
	///   fault-stall-first    nothing at all (not even headers) for 60 s
	///                        or until the client closes, then a close
	///   fault-stall-mid      two content events, then silence (as above)
	///   fault-cut            two content events, then the connection closes
	///   fault-malformed      one event, a line that is not JSON, the rest
	///   fault-huge-line      one content event of 8 MiB, then the answer
	///   fault-error-mid      two content events, then the API's error event
	///   tools                a call of get_weather({"city": "Paris"})
	///   bench-<N>x<D>        N content events "tok", D ms apart
	///   anything else        the answer "Reply from <api>: <last user text>"
	///
	/// An Ollama tag (":latest") is ignored when choosing.
{
	enum Kind
	{
		NORMAL,
		ERROR,
		ERROR_ONCE,
		STALL_FIRST,
		STALL_MID,
		CUT,
		MALFORMED,
		HUGE_LINE,
		ERROR_MID,
		TOOLS,
		BENCH
	};

	Kind kind = NORMAL;
	int status = 200;
		/// The status of ERROR and ERROR_ONCE.
	int chunks = 0;
	int delayMs = 0;
		/// The events of BENCH and the pause between them.

	static Scenario fromModel(const std::string& model);
};


} // namespace FakeUpstream


#endif // FakeUpstream_Scenario_INCLUDED
