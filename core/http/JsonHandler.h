//
// JsonHandler.h
//


#ifndef Nash_JsonHandler_INCLUDED
#define Nash_JsonHandler_INCLUDED


#include "core/http/AccessLog.h"
#include "core/http/ErrorResponder.h"
#include "core/http/HttpError.h"
#include "core/app/ServerContext.h"
#include "Nash/CancellationToken.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include <memory>
#include <string>


namespace Nash {


class JsonHandler: public Poco::Net::HTTPRequestHandler
	/// The base of every endpoint handler: runs the endpoint's work inside one
	/// try/catch, turns what it throws into an error answer (ErrorResponder)
	/// unless the response was already sent, and writes the access log line.
{
public:
	explicit JsonHandler(ServerContext& context);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) final;

	void setRoute(const std::string& route, const std::string& dialect);
		/// The route's pattern and its dialect, for the access log and the
		/// metrics (RequestRouter sets them).

protected:
	virtual void begin(const Poco::Net::HTTPServerRequest& request);
		/// Called first, before the guard: a handler whose error dialect
		/// depends on the request's headers decides it here. Does nothing
		/// by default.

	virtual void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) = 0;
		/// The endpoint's work. Throws on any failure.

	virtual ErrorAnswer errorAnswer(const ErrorReply& reply) const;
		/// The status and body of an error answer in the endpoint's
		/// dialect; the original's status with {"detail"} or {"error"} by
		/// default.

	void sendError(Poco::Net::HTTPServerResponse& response, const ErrorReply& reply, AccessLog::Entry& entry);
		/// Sends reply as errorAnswer() has it, and closes the connection
		/// after it: whatever of the body the client sent may be unread.

	void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json, AccessLog::Entry& entry);
		/// Sends json as the whole response with Content-Type application/json.

	static void setServerTiming(Poco::Net::HTTPServerResponse& response, const AccessLog::Entry& entry);
		/// Server-Timing: what the request waited on backends and MCP
		/// servers ("upstream") and the rest ("overhead"), in milliseconds,
		/// for an answer sent whole.

	ClientDisconnectWatcher::Registration watchClient(Poco::Net::HTTPServerRequest& request, const std::shared_ptr<CancellationToken>& token,
		int timeLimitSeconds = 0);
		/// Cancels token when this request's client disconnects, or after
		/// timeLimitSeconds (0: no limit).

	static HttpError clientGoneError();
		/// What a client that closed its side of the connection (and may
		/// still read) is answered instead of a result cut short.

	static std::string timeLimitMessage(int seconds);
		/// What a client is told when its request ran past the backend time limit.

	static void setNoDelay(Poco::Net::HTTPServerRequest& request);
		/// Small events must not wait for Nagle's algorithm.

	std::shared_ptr<AccessLog::Entry> sharedEntry() const;
		/// The entry of the request being handled, for an answer that goes on
		/// after handle() returned (a detached response): the one that
		/// finishes it records the entry.

	ServerContext& context();

private:
	ServerContext& _context;
	std::string _route;
	std::string _dialect;
	std::shared_ptr<AccessLog::Entry> _entry;
};


} // namespace Nash


#endif // Nash_JsonHandler_INCLUDED
