//
// ErrorResponder.h
//
// The one place where failures become HTTP statuses and error bodies.
//


#ifndef Nash_ErrorResponder_INCLUDED
#define Nash_ErrorResponder_INCLUDED


#include "core/http/ErrorKind.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPServerResponse.h"
#include <exception>
#include <string>


namespace Nash {


struct ErrorReply
{
	int status = 500;
	std::string field = "error";
		/// "detail" for requests the client must change, "error" otherwise.
	std::string message;
	ErrorKind kind = ErrorKind::Internal;
		/// What went wrong; the dialects of OpenAI and Anthropic choose
		/// their status and error type by it (status is the original's).
};


struct ErrorAnswer
	/// An error as one dialect answers it.
{
	int status = 500;
	std::string body;
};


class ErrorResponder
{
public:
	static ErrorReply fromException(const Poco::Exception& exc);
		/// HttpError and McpError carry their status; invalid JSON is 400;
		/// a backend failure 502 (its kind from the provider's status, when
		/// the provider refused); a timeout 504; an unreachable peer 503;
		/// anything else 500.

	static ErrorReply fromException(const std::exception& exc);
		/// Any other exception: 500.

	static std::string body(const ErrorReply& reply);
		/// {"<field>": "<message>"}

	static void send(Poco::Net::HTTPServerResponse& response, const ErrorReply& reply);
		/// Sends reply as the response. The response must not have been sent.

	static void send(Poco::Net::HTTPServerResponse& response, int status, const std::string& json);
		/// Sends json (a dialect's error body) with status.

	static void setStatus(Poco::Net::HTTPResponse& response, int status);
		/// Sets status and its reason phrase. A status above 511 (Anthropic's
		/// 529), which Poco's HTTPStatus cannot hold, goes on the status line
		/// through ServerResponse.
};


} // namespace Nash


#endif // Nash_ErrorResponder_INCLUDED
