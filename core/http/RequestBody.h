//
// RequestBody.h
//


#ifndef Nash_RequestBody_INCLUDED
#define Nash_RequestBody_INCLUDED


#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPServerRequest.h"
#include <cstddef>
#include <string>


namespace Nash {


class RequestBody
{
public:
	static std::string read(Poco::Net::HTTPServerRequest& request, std::size_t maxBytes);
		/// The whole body. Throws HttpError 413 when it is larger than
		/// maxBytes (by Content-Length, before reading, or while reading a
		/// chunked body), 415 when a non-empty body is not declared as JSON
		/// (this also stops the "simple" text/plain and form posts a web page
		/// may send cross-site), 400 when it ends before its end (the client
		/// closed, or its chunked framing broke) and 408 when the request's
		/// deadline passed while it was read.

	static bool isJsonMediaType(const std::string& contentType);
		/// application/json or a */*+json type, parameters allowed.

	static Poco::JSON::Object::Ptr parseObject(const std::string& body, bool emptyIsObject);
		/// The body as a JSON object. An empty (or all-whitespace) body is an
		/// empty object when emptyIsObject, else a 400. Throws HttpError 400
		/// when the body is not JSON or not an object, and 413 before
		/// parsing when its tree would take more than treeBudget() bytes
		/// (JsonTreeCost), so that no shape of body costs more than a small
		/// multiple of its size.

	static void checkTreeCost(const std::string& body);
		/// Throws HttpError 413 when body's JSON tree would take more than
		/// treeBudget() bytes: call it before parsing a body any other way.

	static std::size_t treeBudget(std::size_t bodyBytes);
		/// TREE_BYTES_PER_BODY_BYTE times bodyBytes, at least
		/// MIN_TREE_BUDGET (so that small bodies of many short messages
		/// pass).

	static constexpr std::size_t TREE_BYTES_PER_BODY_BYTE = 16;
	static constexpr std::size_t MIN_TREE_BUDGET = 8 * 1024 * 1024;
};


} // namespace Nash


#endif // Nash_RequestBody_INCLUDED
