//
// RequestHeadLimits.cpp
//


#include "core/RequestHeadLimits.h"
#include "core/HttpError.h"


namespace Nash {


RequestHeadLimits::RequestHeadLimits(int maxFields, std::size_t maxBytes):
	_maxFields(maxFields),
	_maxBytes(maxBytes)
{
}


std::size_t RequestHeadLimits::headBytes(const Poco::Net::HTTPRequest& request)
{
	// As on the wire: "METHOD URI VERSION\r\n" and "Name: value\r\n".
	std::size_t bytes = request.getMethod().size() + request.getURI().size() + request.getVersion().size() + 4;
	for (const auto& field: request) bytes += field.first.size() + field.second.size() + 4;
	return bytes;
}


void RequestHeadLimits::check(const Poco::Net::HTTPRequest& request) const
{
	if (static_cast<int>(request.size()) > _maxFields)
		throw HttpError(431, "The request has " + std::to_string(request.size()) + " header fields, more than the limit of " +
			std::to_string(_maxFields) + " (server.max_header_fields)");
	std::size_t bytes = headBytes(request);
	if (bytes > _maxBytes)
		throw HttpError(431, "The request's head is " + std::to_string(bytes) + " bytes, more than the limit of " +
			std::to_string(_maxBytes) + " (server.max_header_bytes)");
}


int RequestHeadLimits::parseErrorStatus(const Poco::Net::MessageException& exc)
{
	const std::string& text = exc.message();
	auto mentions = [&text](const char* words) { return text.find(words) != std::string::npos; };
	if (mentions("Too many header fields") || mentions("Field name too long") || mentions("Field value too long") ||
	    mentions("Folded field value too long"))
		return 431;
	if (mentions("URI invalid or too long")) return 414;
	return 400;
}


std::string RequestHeadLimits::parseErrorMessage(int status)
{
	switch (status)
	{
	case 431:
		return "The request's header fields are too many or too large (at most 100 fields of up to 8192 bytes each)";
	case 414:
		return "The request's URI is too long (at most 16384 bytes)";
	default:
		return "The request is not valid HTTP";
	}
}


} // namespace Nash
