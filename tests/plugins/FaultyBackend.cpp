//
// FaultyBackend.cpp
//
// A backend that misbehaves as its configuration says, so the tests can watch
// what the server makes of it:
//   events = N           content events before anything else happens (default 3)
//   fail = true          throw a BackendException after the events
//   message = TEXT       the exception's message
//   hang = true          after the events, wait until cancelled
//   cancel_marker = FILE write "cancelled" to FILE when the cancellation arrives
//   complete_fails = true  complete() throws too
//   configure_error = TEXT configure() throws a Poco::Exception with TEXT
//


#include "Nash/BackendException.h"
#include "Nash/Plugin.h"
#include "Poco/Exception.h"
#include "Poco/FileStream.h"
#include <chrono>


namespace NashTestPlugins {


class FaultyBackend: public Nash::BlockingBackend
{
public:
	void configure(const std::string&, const Poco::Util::AbstractConfiguration& section) override
	{
		if (section.has("configure_error")) throw Poco::InvalidArgumentException(section.getString("configure_error"));
		_events = section.getInt("events", 3);
		_fail = section.getBool("fail", false);
		_message = section.getString("message", "upstream refused the request");
		_hang = section.getBool("hang", false);
		_cancelMarker = section.getString("cancel_marker", "");
		_completeFails = section.getBool("complete_fails", false);
	}

	std::vector<std::string> models() const override
	{
		return {"faulty-model"};
	}

	std::string defaultModel() const override
	{
		return "faulty-model";
	}

	void streamChat(const Nash::ChatRequest&, Nash::ChatEventSink& sink, const Nash::CancellationToken& cancellation) override
	{
		for (int i = 0; i < _events; ++i)
		{
			if (cancellation.isCancelled()) return;
			sink.content(i == 0 ? "part" + std::to_string(i) : " part" + std::to_string(i));
		}
		if (_hang)
		{
			while (!cancellation.waitFor(std::chrono::milliseconds(1000)))
			{
			}
			if (!_cancelMarker.empty())
			{
				Poco::FileOutputStream marker(_cancelMarker);
				marker << "cancelled";
			}
			return;
		}
		if (_fail) throw Nash::BackendException(_message);
		sink.finish("stop");
	}

	Nash::ChatResult complete(const Nash::ChatRequest&, const Nash::CancellationToken&) override
	{
		if (_completeFails) throw Nash::BackendException(_message);
		Nash::ChatResult result;
		result.content = "a faulty summary";
		return result;
	}

private:
	int _events = 3;
	bool _fail = false;
	std::string _message;
	bool _hang = false;
	std::string _cancelMarker;
	bool _completeFails = false;
};


} // namespace NashTestPlugins


NASH_MODEL_BACKEND_PLUGIN(NashTestPlugins::FaultyBackend)
