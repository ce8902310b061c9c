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
	///   script-call-<T>      a scripted tool-calling model (OpenAI and
	///                        Anthropic only; see ToolScript): "I'll use <T>."
	///                        and one call of tool T whose arguments are the
	///                        first user message (a JSON object); once the
	///                        last message carries the tool results,
	///                        "Result: <the results joined by " | ">"
	///   script-rounds-<N>-<T>
	///                        calls T again ("Again." before the call) until
	///                        the conversation holds N tool results, then
	///                        answers as script-call does
	///   script-forever-<T>   calls T every time, no text before the call
	///   script-parallel-<T>  as script-call, with two calls of T at once
	///   anything else        the answer "Reply from <api>: <last user text>"
	///
	/// An Ollama tag (":latest") is ignored when choosing. The requests of
	/// the script-* models are checked as strictly as the real APIs check
	/// them (a 400 otherwise), so that a test of a tool loop also proves the
	/// conversation it sends back is one the real provider would accept.
	/// Ollama answers the script-* models as it answers any other model.
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
		BENCH,
		SCRIPT_CALL,
		SCRIPT_ROUNDS,
		SCRIPT_FOREVER,
		SCRIPT_PARALLEL
	};

	Kind kind = NORMAL;
	int status = 200;
		/// The status of ERROR and ERROR_ONCE.
	int chunks = 0;
	int delayMs = 0;
		/// The events of BENCH and the pause between them.
	int rounds = 0;
		/// The tool results after which SCRIPT_ROUNDS answers.
	std::string tool;
		/// The tool that the SCRIPT_* kinds call.

	bool scripted() const;
		/// One of the SCRIPT_* kinds.

	static Scenario fromModel(const std::string& model);
};


} // namespace FakeUpstream


#endif // FakeUpstream_Scenario_INCLUDED
