//
// MeteredSink.cpp
//


#include "core/chat/MeteredSink.h"


namespace Nash {


class MeteredSink::Inside
	/// The time of one forwarded event, taken off the meter's wait.
{
public:
	explicit Inside(RequestMeter* meter): _meter(meter)
	{
	}

	~Inside()
	{
		if (_meter) _meter->addWait(-_started.elapsed());
	}

private:
	RequestMeter* _meter;
	Poco::Timestamp _started;
};


MeteredSink::MeteredSink(ChatEventSink& sink, RequestMeter* meter): _sink(sink), _meter(meter)
{
}


MeteredSink::~MeteredSink()
{
	if (!_meter) return;
	_meter->addTokens(_usage.promptTokens.isNull() ? 0 : _usage.promptTokens.value(),
		_usage.completionTokens.isNull() ? 0 : _usage.completionTokens.value());
}


void MeteredSink::content(const std::string& text)
{
	Inside inside(_meter);
	_sink.content(text);
}


void MeteredSink::toolCallDelta(const ToolCallDelta& delta)
{
	Inside inside(_meter);
	_sink.toolCallDelta(delta);
}


void MeteredSink::usage(const Usage& usage)
{
	// Backends report counts as they learn them (Anthropic: the input at
	// the start, the output at the end): the last of each holds.
	if (!usage.promptTokens.isNull()) _usage.promptTokens = usage.promptTokens;
	if (!usage.completionTokens.isNull()) _usage.completionTokens = usage.completionTokens;
	Inside inside(_meter);
	_sink.usage(usage);
}


void MeteredSink::finish(const std::string& reason)
{
	Inside inside(_meter);
	_sink.finish(reason);
}


void MeteredSink::upstreamHead(int status, const Poco::Net::NameValueCollection& headers)
{
	if (auto* observer = dynamic_cast<NashUpstream::UpstreamHeadObserver*>(&_sink)) observer->upstreamHead(status, headers);
}


} // namespace Nash
