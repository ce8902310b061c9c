//
// RequestBody.cpp
//


#include "core/RequestBody.h"
#include "core/HttpError.h"
#include "core/JsonText.h"
#include "core/ServerRequest.h"
#include "Poco/Exception.h"
#include "Poco/JSON/JSONException.h"
#include "Poco/String.h"
#include <algorithm>


namespace Nash {


namespace {


void discard(std::istream& in, std::size_t maxBytes)
	/// Reads and drops up to maxBytes of what the client is still sending.
{
	char buffer[16384];
	std::size_t dropped = 0;
	while (in && dropped < maxBytes)
	{
		in.read(buffer, sizeof(buffer));
		std::streamsize n = in.gcount();
		if (n <= 0) break;
		dropped += static_cast<std::size_t>(n);
	}
}


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
	ServerRequest* serverRequest = ServerRequest::of(request);
	struct Received
	{
		ServerRequest* request;
		~Received() { if (request) request->bodyReceived(); }
	} received{serverRequest};
	// HTTP/1.1: a request with neither Content-Length nor chunked encoding
	// has no body (reading "until the end" would wait for the client to hang up).
	if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) return std::string();
	std::istream& in = request.stream();
	std::string body;
	if (request.hasContentLength())
	{
		Poco::Int64 length = request.getContentLength64();
		if (length < 0 || static_cast<Poco::UInt64>(length) > maxBytes)
		{
			if (length > 0 && static_cast<Poco::UInt64>(length) <= drainLimit) discard(in, static_cast<std::size_t>(length));
			throw HttpError(413, tooLarge);
		}
		body.reserve(static_cast<std::size_t>(length));
	}
	char buffer[16384];
	while (in)
	{
		in.read(buffer, sizeof(buffer));
		std::streamsize n = in.gcount();
		if (n <= 0) break;
		if (body.size() + static_cast<std::size_t>(n) > maxBytes)
		{
			discard(in, drainLimit);
			throw HttpError(413, tooLarge);
		}
		body.append(buffer, static_cast<std::size_t>(n));
	}
	if (serverRequest && serverRequest->deadlinePassed())
		throw HttpError(408, serverRequest->deadlineMessage());
	if (!body.empty() && !isJsonMediaType(request.getContentType()))
		throw HttpError(415, "Request bodies must be JSON with Content-Type: application/json, not '" + request.getContentType() + "'");
	if (request.hasContentLength() && static_cast<Poco::Int64>(body.size()) != request.getContentLength64())
		throw HttpError::badRequest("Request body ended after " + std::to_string(body.size()) + " of " +
			std::to_string(request.getContentLength64()) + " bytes");
	return body;
}


Poco::JSON::Object::Ptr RequestBody::parseObject(const std::string& body, bool emptyIsObject)
{
	if (Poco::trim(body).empty())
	{
		if (emptyIsObject) return JsonText::object();
		throw HttpError::badRequest("Request body is empty; a JSON object is expected");
	}
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
