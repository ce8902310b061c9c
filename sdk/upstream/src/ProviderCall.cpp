//
// ProviderCall.cpp
//


#include "NashUpstream/ProviderCall.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/JSON/Parser.h"


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


std::unique_ptr<UpstreamExchange> ProviderCall::open(const std::string& method, const std::string& path, const std::string& body,
	const HeaderList& headers, const Nash::CancellationToken& cancellation)
{
	std::unique_ptr<UpstreamExchange> exchange;
	try
	{
		exchange = _client.send(method, path, body, "application/json", headers, cancellation);
	}
	catch (Poco::Exception& exc)
	{
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
		fail(UpstreamError::describeStatus(_provider, exchange->status(), exchange->reason(), errorBody), exchange->status());
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
		catch (Poco::Exception& exc)
		{
			if (exchange.isCancelled()) return false;
			fail(_provider + " stream broke off: " + exc.message());
		}
		if (exchange.isCancelled()) return false;
		if (n == 0) return true;
		feed(buffer, n);
	}
}


Poco::JSON::Object::Ptr ProviderCall::readJson(UpstreamExchange& exchange, std::size_t limit)
{
	std::string body;
	try
	{
		body = exchange.readAll(limit);
	}
	catch (Poco::Exception& exc)
	{
		if (exchange.isCancelled()) fail(_provider + " request was cancelled");
		fail(_provider + " answer could not be read: " + exc.message());
	}
	return parseJson(body);
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
	fail(_provider + " sent data that is not a JSON object: " + UpstreamError::snippet(text));
}


} // namespace NashUpstream
