//
// ProviderCall.cpp
//


#include "NashUpstream/ProviderCall.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Exception.h"


namespace NashUpstream {


ProviderCall::ProviderCall(UpstreamClient& client, std::string provider, std::vector<std::string> secrets):
	_client(client),
	_provider(std::move(provider)),
	_secrets(std::move(secrets))
{
}


const std::string& ProviderCall::provider() const
{
	return _provider;
}


void ProviderCall::fail(const std::string& message, int upstreamStatus) const
{
	throw Nash::BackendException(UpstreamError::redact(message, _secrets), upstreamStatus);
}


void ProviderCall::fail(UpstreamObserver::Failure kind, const std::string& message, int upstreamStatus) const
{
	count(kind);
	fail(message, upstreamStatus);
}


void ProviderCall::count(UpstreamObserver::Failure kind) const
{
	// A backend may find more than one thing wrong on the way out (a broken
	// stream, then its missing end): the first is the call's failure.
	if (_failureCounted) return;
	_failureCounted = true;
	if (_cancellation && _cancellation->isCancelled()) return;
	if (UpstreamObserver* observer = _client.observer()) observer->upstreamFailure(kind);
}


std::unique_ptr<UpstreamExchange> ProviderCall::open(const std::string& method, const std::string& path, const std::string& body,
	const HeaderList& headers, const Nash::CancellationToken& cancellation)
{
	_cancellation = &cancellation;
	std::unique_ptr<UpstreamExchange> exchange;
	try
	{
		exchange = _client.send(method, path, body, "application/json", headers, cancellation);
	}
	catch (Poco::Exception& exc)
	{
		// send() counted its failure itself (none when cancelled).
		_failureCounted = true;
		fail(_provider + " request failed: " + exc.message());
	}
	if (exchange->status() / 100 != 2)
	{
		std::string errorBody;
		try
		{
			errorBody = exchange->readAll(64 * 1024);
		}
		catch (Poco::Exception&)
		{
			// The status says enough when the body cannot be read.
		}
		fail(UpstreamObserver::Failure::Status, UpstreamError::describeStatus(_provider, exchange->status(), exchange->reason(), errorBody), exchange->status());
	}
	return exchange;
}


std::unique_ptr<UpstreamExchange> ProviderCall::openUnlessCancelled(const std::string& method, const std::string& path, const std::string& body,
	const HeaderList& headers, const Nash::CancellationToken& cancellation)
{
	try
	{
		return open(method, path, body, headers, cancellation);
	}
	catch (Nash::BackendException&)
	{
		if (cancellation.isCancelled()) return nullptr;
		throw;
	}
}


bool ProviderCall::pump(UpstreamExchange& exchange, const std::function<void(const char*, std::size_t)>& feed)
{
	char buffer[16384];
	for (;;)
	{
		std::size_t n = 0;
		try
		{
			n = exchange.read(buffer, sizeof(buffer));
		}
		catch (Poco::TimeoutException& exc)
		{
			if (exchange.isCancelled()) return false;
			fail(UpstreamObserver::Failure::Timeout, _provider + " stream broke off: " + exc.message());
		}
		catch (Poco::Exception& exc)
		{
			if (exchange.isCancelled()) return false;
			fail(UpstreamObserver::Failure::Cut, _provider + " stream broke off: " + exc.message());
		}
		if (exchange.isCancelled()) return false;
		if (n == 0) return true;
		feed(buffer, n);
	}
}


Poco::JSON::Object::Ptr ProviderCall::readJson(UpstreamExchange& exchange, std::size_t limit)
{
	return parseJson(readBody(exchange, limit));
}


std::string ProviderCall::readBody(UpstreamExchange& exchange, std::size_t limit)
{
	try
	{
		return exchange.readAll(limit);
	}
	catch (Poco::TimeoutException& exc)
	{
		if (exchange.isCancelled()) fail(_provider + " request was cancelled");
		fail(UpstreamObserver::Failure::Timeout, _provider + " answer could not be read: " + exc.message());
	}
	catch (Poco::DataFormatException& exc)
	{
		// Larger than the limit.
		if (exchange.isCancelled()) fail(_provider + " request was cancelled");
		fail(UpstreamObserver::Failure::Malformed, _provider + " answer could not be read: " + exc.message());
	}
	catch (Poco::Exception& exc)
	{
		if (exchange.isCancelled()) fail(_provider + " request was cancelled");
		fail(UpstreamObserver::Failure::Cut, _provider + " answer could not be read: " + exc.message());
	}
}


Poco::JSON::Object::Ptr ProviderCall::parseJson(const std::string& text)
{
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(text);
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return parsed.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
	}
	fail(UpstreamObserver::Failure::Malformed, _provider + " sent data that is not a JSON object: " + UpstreamError::snippet(text));
}


} // namespace NashUpstream
