//
// RequestMeter.h
//


#ifndef Nash_RequestMeter_INCLUDED
#define Nash_RequestMeter_INCLUDED


#include "Poco/Timestamp.h"
#include <atomic>


namespace Nash {


class RequestMeter
	/// What one request spent waiting on others (the model backends, the
	/// MCP servers, a provider's rate limit) and the tokens its backends
	/// reported. The rest of the request's time is the server's own: its
	/// overhead, as TensorZero defines it (total minus waiting on the model).
	///
	/// Atomic, so that the parts of a request that wait on their own
	/// threads may add to it.
{
public:
	class Wait
		/// Adds the time from its construction to its destruction (or
		/// end()) to a meter; does nothing with a null meter.
	{
	public:
		explicit Wait(RequestMeter* meter);
		~Wait();
		Wait(const Wait&) = delete;
		Wait& operator = (const Wait&) = delete;

		void end();

	private:
		RequestMeter* _meter;
		Poco::Timestamp _started;
	};

	void addWait(Poco::Timestamp::TimeDiff micros);
		/// micros may be negative: time inside a backend call that was the
		/// server's (handing events to the client) is taken off again.
	void addTokens(long long input, long long output);

	bool waited() const;
		/// Whether anything was waited on: without, the whole request is
		/// overhead.
	Poco::Timestamp::TimeDiff waitMicros() const;
	long long inputTokens() const;
	long long outputTokens() const;

	Poco::Timestamp::TimeDiff overheadMicros(Poco::Timestamp::TimeDiff totalMicros) const;
		/// totalMicros minus the wait, never below 0 (waits that ran side by
		/// side add up to more than the time they took).

private:
	std::atomic<bool> _waited{false};
	std::atomic<Poco::Timestamp::TimeDiff> _waitMicros{0};
	std::atomic<long long> _inputTokens{0};
	std::atomic<long long> _outputTokens{0};
};


} // namespace Nash


#endif // Nash_RequestMeter_INCLUDED
