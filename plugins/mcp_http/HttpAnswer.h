//
// HttpAnswer.h
//
// What one HTTP exchange with a Streamable HTTP server gave, and what its
// status means for the request it carried.
//


#ifndef Nash_HttpAnswer_INCLUDED
#define Nash_HttpAnswer_INCLUDED


#include <string>


namespace Nash {


class HttpAnswer
	/// Filled by HttpPoster; HttpTransport decides by it whether to start a
	/// new session, to authorize, to fall back to HTTP+SSE, or which error
	/// the request gets. All the mapping of statuses to those is here.
{
public:
	int status = 0;
	std::string reason;
	std::string sessionId;
		/// The Mcp-Session-Id the answer carried.
	std::string body;
		/// The start of an error answer's body.
	bool answered = false;
		/// The request's own answer was among the messages.
	std::string wwwAuthenticate;
	std::string bearer;
		/// The access token the request carried, empty for none.
	bool tooLarge = false;
		/// A message went over max_message_size; the rest was not read.
	std::string unreadable;
		/// What is wrong with a JSON body that could not be parsed
		/// (McpMessageText::problemOf()), empty for none.

	bool succeeded() const;
		/// A 2xx status.

	bool asksAuthorization() const;
		/// 401, or 403 (OAuthClient tells insufficient_scope from others).

	bool sessionExpired(const std::string& sessionId) const;
		/// Whether the server no longer knows the session the request
		/// carried: 404 as the spec says, or 400 with a body that speaks of
		/// the session (the TypeScript SDK's reference server), as nothing
		/// else can recover from that.

	bool refusesStreamableHttp() const;
		/// 400, 404 or 405 to initialize: perhaps a server of HTTP+SSE.

	std::string incompleteText() const;
		/// The error for a 2xx answer without the request's response.

	std::string errorText(const std::string& authorizationFailure) const;
		/// The error for a refused request: "HTTP <status> <reason>: <body>",
		/// and why no token could be had, when that was tried.
};


} // namespace Nash


#endif // Nash_HttpAnswer_INCLUDED
