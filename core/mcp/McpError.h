//
// McpError.h
//
// The one exception the MCP client side throws to its HTTP caller. It carries
// the HTTP status and the name of the JSON body field the message goes into,
// so that the handler maps it without knowing MCP (see PROTOCOL.md,
// "POST /v1/mcp/{method}").
//


#ifndef Nash_McpError_INCLUDED
#define Nash_McpError_INCLUDED


#include "Poco/Dynamic/Var.h"
#include "Poco/Exception.h"
#include <string>


namespace Nash {


class McpError: public Poco::Exception
	/// An MCP call that failed, with the answer our HTTP caller gets:
	/// status httpStatus() and body {bodyField(): message()}.
{
public:
	McpError(int httpStatus, const std::string& bodyField, const std::string& message);
		/// Creates an error answered with httpStatus and {bodyField: message},
		/// message without the credentials of the URLs in it
		/// (NashUpstream::Redaction::text()).

	McpError(const McpError& other);
	~McpError() noexcept override;
	McpError& operator = (const McpError& other);

	int httpStatus() const;
		/// The HTTP status our caller gets.

	const std::string& bodyField() const;
		/// "detail" for errors in the caller's request, "error" otherwise.

	bool isRpcError() const;
		/// True when the MCP server answered with a JSON-RPC error; then
		/// rpcCode() and rpcMessage() hold what it said.

	int rpcCode() const;
	const std::string& rpcMessage() const;
	const Poco::Dynamic::Var& rpcData() const;
		/// The error's "data", empty when it had none.

	static McpError badRequest(const std::string& detail);
		/// 400 {"detail"}: a missing, ill-typed or unknown argument.

	static McpError notFound(const std::string& error);
		/// 404 {"error"}: an unknown tool, prompt or resource.

	static McpError conflict(const std::string& detail);
		/// 409 {"detail"}: a name that several servers offer.

	static McpError notSupported(const std::string& error);
		/// 501 {"error"}: the server did not declare the capability needed.

	static McpError rpcFailure(const std::string& method, int code, const std::string& message, const Poco::Dynamic::Var& data = Poco::Dynamic::Var());
		/// 502 {"error": "Error calling MCP method '<method>': <code> <message>"}.

	static McpError invalidAnswer(const std::string& serverName, const std::string& method, const std::string& problem);
		/// 502 {"error": "The answer of MCP server '<server>' to '<method>'
		/// <problem>"}: the server answered our request with something that
		/// cannot be used ("was not valid JSON", "was not a valid JSON-RPC
		/// response ..."). No JSON-RPC error: isRpcError() is false.

	static McpError unavailable(const std::string& error);
		/// 503 {"error"}: the server cannot be reached, did not start or died.

	static McpError timeout(const std::string& error);
		/// 504 {"error"}: no answer within the request's timeout.

	static McpError cancelled(const std::string& error);
		/// 499 {"error"}: our caller went away (nginx's "client closed
		/// request"); nobody is left to read the answer.

	const char* name() const noexcept override;
	const char* className() const noexcept override;
	Poco::Exception* clone() const override;
	void rethrow() const override;

private:
	int _httpStatus;
	std::string _bodyField;
	bool _rpcError = false;
	int _rpcCode = 0;
	std::string _rpcMessage;
	Poco::Dynamic::Var _rpcData;
};


} // namespace Nash


#endif // Nash_McpError_INCLUDED
