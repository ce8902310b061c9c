//
// RequestBody.cpp
//


#include "core/http/RequestBody.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/json/JsonTreeCost.h"
#include "core/http/ServerRequest.h"
#include "Poco/Exception.h"
#include "Poco/JSON/JSONException.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Format.h"
#include "Poco/String.h"
#include <algorithm>


namespace Nash {


namespace {


class BodySource
	/// Where the body comes from: the connection, through ServerRequest
	/// (whose failures are HttpErrors: 400, 408), or any other request's
	/// stream (a test's).
{
public:
	explicit BodySource(Poco::Net::HTTPServerRequest& request):
		_serverRequest(ServerRequest::of(request)),
		_request(request)
	{
	}

	bool awaitingContinue() const
		/// The client waits for "100 Continue" before it sends the body.
	{
		return _serverRequest && _serverRequest->awaitingContinue();
	}

	std::size_t read(char* buffer, std::size_t size)
	{
		if (_serverRequest) return _serverRequest->readBody(buffer, size);
		std::istream& in = _request.stream();
		if (!in) return 0;
		in.read(buffer, static_cast<std::streamsize>(size));
		return static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0));
	}

	void discard(std::size_t maxBytes)
		/// Reads and drops up to maxBytes of what the client is still
		/// sending, so that it sees the answer instead of a reset.
	{
		char buffer[16384];
		std::size_t dropped = 0;
		try
		{
			while (dropped < maxBytes)
			{
				std::size_t n = read(buffer, sizeof(buffer));
				if (n == 0) break;
				dropped += n;
			}
		}
		catch (Poco::Exception&)
		{
		}
	}

private:
	ServerRequest* _serverRequest;
	Poco::Net::HTTPServerRequest& _request;
};


} // namespace


bool RequestBody::isJsonMediaType(const std::string& contentType)
{
	std::string type = Poco::toLower(Poco::trim(contentType.substr(0, contentType.find(';'))));
	return type == "application/json" || (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
}


std::string RequestBody::read(Poco::Net::HTTPServerRequest& request, std::size_t maxBytes)
{
	const std::string tooLarge = "Request body is larger than the limit of " + std::to_string(maxBytes) + " bytes";
	// A client that is refused while it is still sending would see its
	// connection reset instead of the 413: a body up to this size is read
	// to its end and dropped first.
	const std::size_t drainLimit = std::min<std::size_t>(maxBytes * 4, 64 * 1024 * 1024);
	BodySource source(request);
	// HTTP/1.1: a request with neither Content-Length nor chunked encoding
	// has no body (reading "until the end" would wait for the client to hang up).
	if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) return std::string();
	std::string body;
	if (request.hasContentLength())
	{
		Poco::Int64 length = request.getContentLength64();
		if (length < 0 || static_cast<Poco::UInt64>(length) > maxBytes)
		{
			// A client that waits for 100 Continue sends nothing: it gets
			// the answer at once, and the connection closes after it.
			if (source.awaitingContinue()) request.response().setKeepAlive(false);
			else if (length > 0 && static_cast<Poco::UInt64>(length) <= drainLimit) source.discard(static_cast<std::size_t>(length));
			throw HttpError(413, tooLarge);
		}
		body.reserve(static_cast<std::size_t>(length));
	}
	char buffer[16384];
	for (;;)
	{
		std::size_t n = source.read(buffer, sizeof(buffer));
		if (n == 0) break;
		if (body.size() + n > maxBytes)
		{
			source.discard(drainLimit);
			throw HttpError(413, tooLarge);
		}
		body.append(buffer, n);
	}
	if (!body.empty() && !isJsonMediaType(request.getContentType()))
		throw HttpError(415, "Request bodies must be JSON with Content-Type: application/json, not '" + request.getContentType() + "'");
	if (request.hasContentLength() && static_cast<Poco::Int64>(body.size()) != request.getContentLength64())
		throw HttpError::badRequest("Request body ended after " + std::to_string(body.size()) + " of " +
			std::to_string(request.getContentLength64()) + " bytes");
	return body;
}


std::size_t RequestBody::treeBudget(std::size_t bodyBytes)
{
	return std::max(TREE_BYTES_PER_BODY_BYTE * bodyBytes, MIN_TREE_BUDGET);
}


void RequestBody::checkTreeCost(const std::string& body)
{
	// The tree is built only when it fits the body's budget: small values
	// cost hundreds of times their bytes as Poco objects.
	std::size_t cost = JsonTreeCost::estimate(body);
	std::size_t budget = treeBudget(body.size());
	if (cost > budget)
	{
		const double mib = 1024.0 * 1024.0;
		throw HttpError(413, Poco::format("Request body holds too many JSON values for its size: as objects they would take "
			"about %.1f MiB, more than the %.1f MiB a body of %z bytes may take; send fewer, larger values",
			cost / mib, budget / mib, body.size()));
	}
}


Poco::JSON::Object::Ptr RequestBody::parseObject(const std::string& body, bool emptyIsObject)
{
	if (Poco::trim(body).empty())
	{
		if (emptyIsObject) return JsonText::object();
		throw HttpError::badRequest("Request body is empty; a JSON object is expected");
	}
	checkTreeCost(body);
	try
	{
		return JsonText::parseObject(body);
	}
	catch (Poco::InvalidArgumentException&)
	{
		throw HttpError::badRequest("Request body must be a JSON object");
	}
	catch (Poco::Exception& exc)
	{
		throw HttpError::badRequest("Request body is not valid JSON: " + exc.message());
	}
}


} // namespace Nash
