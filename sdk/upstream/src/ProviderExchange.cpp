//
// ProviderExchange.cpp
//


#include "NashUpstream/ProviderExchange.h"
#include "NashUpstream/ProviderCall.h"
#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Nash/BackendException.h"


namespace NashUpstream {


namespace {


using Cause = Nash::BackendException::Cause;
using Failure = UpstreamObserver::Failure;


Failure failureOf(Cause cause)
{
	switch (cause)
	{
	case Cause::ErrorReported:
		return Failure::Status;
	case Cause::Incomplete:
		return Failure::Cut;
	case Cause::Malformed:
	case Cause::Unspecified:
		break;
	}
	return Failure::Malformed;
}


template <typename Work>
auto translating(ProviderCall& call, Work&& work) -> decltype(work())
	/// Runs what the translator does with an answer; what it finds wrong
	/// with the answer is the call's failure, counted by its cause.
{
	try
	{
		return work();
	}
	catch (Nash::BackendException& exc)
	{
		call.fail(failureOf(exc.cause()), exc.message(), exc.code());
	}
	catch (Poco::DataFormatException& exc)
	{
		call.fail(Failure::Malformed, call.provider() + " sent an unusable stream: " + exc.message());
	}
}


Nash::UpstreamRequest chatRequest(const Nash::ProviderBackend& provider, const ProviderCall& call, const Nash::ChatRequest& request, bool stream)
	/// The provider's request for a chat call. One its API cannot express
	/// is no failed exchange: not counted, only made safe to show.
{
	try
	{
		return provider.chatRequest(request, stream);
	}
	catch (Nash::BackendException& exc)
	{
		call.fail(exc.message(), exc.code());
	}
}


class UntilCancelled: public Nash::ChatEventSink
	/// The sink of a decoder, which cannot see the cancellation: once the
	/// client has gone, the events of a piece already read go nowhere.
{
public:
	UntilCancelled(Nash::ChatEventSink& sink, const Nash::CancellationToken& cancellation):
		_sink(sink),
		_cancellation(cancellation)
	{
	}

	void content(const std::string& text) override
	{
		if (!_cancellation.isCancelled()) _sink.content(text);
	}

	void toolCallDelta(const Nash::ToolCallDelta& delta) override
	{
		if (!_cancellation.isCancelled()) _sink.toolCallDelta(delta);
	}

	void usage(const Nash::Usage& usage) override
	{
		if (!_cancellation.isCancelled()) _sink.usage(usage);
	}

	void finish(const std::string& reason) override
	{
		if (!_cancellation.isCancelled()) _sink.finish(reason);
	}

private:
	Nash::ChatEventSink& _sink;
	const Nash::CancellationToken& _cancellation;
};


} // namespace


ProviderExchange::ProviderExchange(std::unique_ptr<Nash::ProviderBackend> provider):
	_provider(std::move(provider))
{
	poco_check_ptr(_provider.get());
}


ProviderExchange::~ProviderExchange() = default;


void ProviderExchange::configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section)
{
	_provider->configure(instanceName, section);
	UpstreamSettings settings = UpstreamSettings::read(section, _provider->baseUrl());
	setup(settings);
	_client.reset(new UpstreamClient(settings));
	_settings = std::make_shared<const UpstreamSettings>(settings);
	_client->setObserver(_observer);
}


void ProviderExchange::setup(const UpstreamSettings& settings)
	/// The provider's setup request, by a client of its own: it must not
	/// wait or retry longer than the provider asked, and it is no call of a
	/// client's, so the observer does not count it.
{
	Nash::UpstreamRequest request = _provider->setupRequest();
	if (request.path.empty()) return;
	UpstreamSettings own = settings;
	if (request.timeoutMilliseconds > 0)
	{
		Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(request.timeoutMilliseconds) * 1000);
		own.connectTimeout = timeout;
		own.firstByteTimeout = timeout;
		own.idleTimeout = timeout;
		own.maxRetries = 0;
	}
	own.maxIdleConnections = 0;
	UpstreamClient client(own);
	Nash::CancellationToken never;
	Nash::UpstreamAnswer answer;
	std::unique_ptr<UpstreamExchange> exchange;
	try
	{
		exchange = client.send(request.method, request.path, request.body, request.body.empty() ? std::string() : std::string("application/json"),
			request.headers, never);
	}
	catch (Poco::Exception& exc)
	{
		answer.problem = UpstreamError::redact(exc.message(), _provider->secrets());
		_provider->setupAnswer(answer);
		return;
	}
	answer.answered = true;
	answer.status = exchange->status();
	try
	{
		answer.body = exchange->readAll(MAX_ANSWER_BYTES);
	}
	catch (Poco::Exception& exc)
	{
		// Answered, but not readable: the provider sees no body.
		answer.problem = UpstreamError::redact(exc.message(), _provider->secrets());
	}
	_provider->setupAnswer(answer);
}


std::vector<std::string> ProviderExchange::models() const
{
	return _provider->models();
}


std::string ProviderExchange::defaultModel() const
{
	return _provider->defaultModel();
}


bool ProviderExchange::acceptsAnyModel() const
{
	return _provider->acceptsAnyModel();
}


void ProviderExchange::streamChat(const Nash::ChatRequest& request, Nash::ChatEventSink& sink, const Nash::CancellationToken& cancellation)
{
	ProviderCall call(*_client, _provider->providerName(), _provider->secrets());
	Nash::UpstreamRequest upstream = chatRequest(*_provider, call, request, true);
	auto exchange = call.openUnlessCancelled(upstream.method, upstream.path, upstream.body, upstream.headers, cancellation);
	if (!exchange) return;
	UpstreamHeadObserver::notify(sink, *exchange);

	std::unique_ptr<Nash::ChatDecoder> decoder = _provider->streamDecoder(request, _client->settings().maxLineBytes);
	UntilCancelled events(sink, cancellation);
	bool whole = call.pump(*exchange, [&](const char* data, std::size_t length) {
		if (cancellation.isCancelled()) return;
		translating(call, [&] { decoder->feed(data, length, events); });
	});
	if (!whole || cancellation.isCancelled()) return;
	translating(call, [&] { decoder->end(events); });
}


Nash::ChatResult ProviderExchange::complete(const Nash::ChatRequest& request, const Nash::CancellationToken& cancellation)
{
	ProviderCall call(*_client, _provider->providerName(), _provider->secrets());
	Nash::UpstreamRequest upstream = chatRequest(*_provider, call, request, false);
	auto exchange = call.open(upstream.method, upstream.path, upstream.body, upstream.headers, cancellation);
	std::string body = call.readBody(*exchange, MAX_ANSWER_BYTES);
	return translating(call, [&] { return _provider->decodeAnswer(body); });
}


void ProviderExchange::observeUpstream(UpstreamObserver* observer)
{
	_observer = observer;
	if (_client) _client->setObserver(observer);
}


Nash::ProviderBackend& ProviderExchange::provider()
{
	return *_provider;
}


std::shared_ptr<const UpstreamSettings> ProviderExchange::settings() const
{
	return _settings;
}


UpstreamObserver* ProviderExchange::observer() const
{
	return _observer;
}


const UpstreamClient& ProviderExchange::client() const
{
	poco_check_ptr(_client.get());
	return *_client;
}


} // namespace NashUpstream
