//
// RequestMeter.cpp
//


#include "core/metrics/RequestMeter.h"
#include <algorithm>


namespace Nash {


RequestMeter::Wait::Wait(RequestMeter* meter): _meter(meter)
{
}


RequestMeter::Wait::~Wait()
{
	end();
}


void RequestMeter::Wait::end()
{
	if (!_meter) return;
	_meter->addWait(_started.elapsed());
	_meter = nullptr;
}


void RequestMeter::addWait(Poco::Timestamp::TimeDiff micros)
{
	_waited.store(true, std::memory_order_relaxed);
	_waitMicros.fetch_add(micros, std::memory_order_relaxed);
}


void RequestMeter::addTokens(long long input, long long output)
{
	if (input > 0) _inputTokens.fetch_add(input, std::memory_order_relaxed);
	if (output > 0) _outputTokens.fetch_add(output, std::memory_order_relaxed);
}


bool RequestMeter::waited() const
{
	return _waited.load(std::memory_order_relaxed);
}


Poco::Timestamp::TimeDiff RequestMeter::waitMicros() const
{
	return std::max<Poco::Timestamp::TimeDiff>(0, _waitMicros.load(std::memory_order_relaxed));
}


long long RequestMeter::inputTokens() const
{
	return _inputTokens.load(std::memory_order_relaxed);
}


long long RequestMeter::outputTokens() const
{
	return _outputTokens.load(std::memory_order_relaxed);
}


Poco::Timestamp::TimeDiff RequestMeter::overheadMicros(Poco::Timestamp::TimeDiff totalMicros) const
{
	return std::max<Poco::Timestamp::TimeDiff>(0, totalMicros - waitMicros());
}


} // namespace Nash
