//
// RequestParser.cpp
//


#include "core/http/RequestParser.h"
#include "core/http/HostName.h"
#include "core/http/RequestTarget.h"
#include "Poco/String.h"
#include "llhttp.h"
#include <cstring>


namespace Nash {


struct RequestParser::State
{
	llhttp_t parser;
	llhttp_settings_t settings;
	Phase phase = Phase::Head;
	RequestHead head;
	bool started = false;
	std::size_t headBytes = 0;
	char lastHeadByte = 0;
		/// The last byte of the head read so far, to see a field line that
		/// begins with whitespace (obs-fold) across two reads.
	std::string fieldName;
	std::string fieldValue;
	bool inFieldValue = false;
	bool inTarget = false;
	std::string methodBytes;
		/// The first bytes of the message, to tell an unknown method from garbage.
	std::size_t trailerBytes = 0;
	int trailerFields = 0;
		/// The trailer section of a chunked body, held to the head's limits.
	bool methodPending = false;
		/// llhttp refused the method before its end: the bytes up to the
		/// space after it decide between 501 and 400, however they arrive.
	std::string* body = nullptr;
	std::uint64_t bodyBytes = 0;
	int userStatus = 0;
	std::string userReason;
	int failureStatus = 0;
	std::string failureReason;
};


namespace {


bool isTokenChar(char c)
{
	static const char* const specials = "!#$%&'*+-.^_`|~";
	unsigned char u = static_cast<unsigned char>(c);
	return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (c != 0 && std::strchr(specials, c) != nullptr);
}


bool isToken(const std::string& text)
{
	if (text.empty()) return false;
	for (char c: text)
	{
		if (!isTokenChar(c)) return false;
	}
	return true;
}


std::vector<std::string> transferCodings(const RequestHead& head)
	/// Every coding of every Transfer-Encoding field, lower case, in order.
{
	std::vector<std::string> codings;
	for (const auto& field: head.fields)
	{
		if (Poco::icompare(field.first, "Transfer-Encoding") != 0) continue;
		std::string::size_type start = 0;
		while (start <= field.second.size())
		{
			auto comma = field.second.find(',', start);
			if (comma == std::string::npos) comma = field.second.size();
			std::string coding = Poco::toLower(Poco::trim(field.second.substr(start, comma - start)));
			auto parameters = coding.find(';');
			if (parameters != std::string::npos) coding = Poco::trimRight(coding.substr(0, parameters));
			if (!coding.empty()) codings.push_back(coding);
			start = comma + 1;
		}
	}
	return codings;
}


} // namespace


struct RequestParser::Callbacks
{
	static RequestParser& of(llhttp_t* parser)
	{
		return *static_cast<RequestParser*>(parser->data);
	}

	static int userError(llhttp_t* parser, int status, const std::string& reason)
	{
		State& state = *of(parser)._state;
		state.userStatus = status;
		state.userReason = reason;
		return HPE_USER;
	}

	static int onMessageBegin(llhttp_t* parser)
	{
		of(parser)._state->started = true;
		return 0;
	}

	static int onUrl(llhttp_t* parser, const char* at, std::size_t length)
	{
		RequestParser& self = of(parser);
		State& state = *self._state;
		state.inTarget = true;
		if (state.head.target.size() + length > self._limits.maxTargetBytes)
			return userError(parser, 414, "The request-target is longer than the limit of " + std::to_string(self._limits.maxTargetBytes) + " bytes");
		state.head.target.append(at, length);
		return 0;
	}

	static int onUrlComplete(llhttp_t* parser)
	{
		of(parser)._state->inTarget = false;
		return 0;
	}

	static int onMethodComplete(llhttp_t* parser)
	{
		// Known this early, a refusal of the rest of the head still names
		// the method in the log.
		of(parser)._state->head.method = llhttp_method_name(static_cast<llhttp_method_t>(parser->method));
		return 0;
	}

	static int trailerBytes(llhttp_t* parser, std::size_t length)
		/// Counts bytes of the trailer section against the head's limit.
	{
		RequestParser& self = of(parser);
		State& state = *self._state;
		state.trailerBytes += length;
		if (state.trailerBytes > self._limits.maxHeadBytes)
			return userError(parser, 431, "The request's trailer fields are larger than the limit of " + std::to_string(self._limits.maxHeadBytes) + " bytes (server.max_header_bytes)");
		return 0;
	}

	static int onHeaderField(llhttp_t* parser, const char* at, std::size_t length)
	{
		State& state = *of(parser)._state;
		if (state.phase != Phase::Head) return trailerBytes(parser, length);
		state.fieldName.append(at, length);
		return 0;
	}

	static int onHeaderFieldComplete(llhttp_t* parser)
	{
		RequestParser& self = of(parser);
		State& state = *self._state;
		if (state.phase != Phase::Head)
		{
			// Trailer fields are read and dropped, within the head's limits.
			if (++state.trailerFields > self._limits.maxFields)
				return userError(parser, 431, "The request has more than " + std::to_string(self._limits.maxFields) + " trailer fields (server.max_header_fields)");
			return 0;
		}
		if (state.fieldName.empty()) return userError(parser, 400, "A header field has no name");
		if (static_cast<int>(state.head.fields.size()) >= self._limits.maxFields)
			return userError(parser, 431, "The request has more than " + std::to_string(self._limits.maxFields) + " header fields (server.max_header_fields)");
		state.inFieldValue = true;
		return 0;
	}

	static int onHeaderValue(llhttp_t* parser, const char* at, std::size_t length)
	{
		State& state = *of(parser)._state;
		if (state.phase != Phase::Head) return trailerBytes(parser, length);
		state.fieldValue.append(at, length);
		return 0;
	}

	static int onHeaderValueComplete(llhttp_t* parser)
	{
		State& state = *of(parser)._state;
		if (state.phase != Phase::Head) return 0;
		state.head.fields.emplace_back(std::move(state.fieldName), Poco::trimRight(state.fieldValue));
		state.fieldName.clear();
		state.fieldValue.clear();
		state.inFieldValue = false;
		return 0;
	}

	static int onHeadersComplete(llhttp_t* parser)
	{
		State& state = *of(parser)._state;
		RequestHead& head = state.head;
		head.method = llhttp_method_name(static_cast<llhttp_method_t>(parser->method));
		head.versionMajor = parser->http_major;
		head.versionMinor = parser->http_minor;
		head.keepAlive = llhttp_should_keep_alive(parser) != 0;
		head.chunked = (parser->flags & F_CHUNKED) != 0;
		head.hasContentLength = (parser->flags & F_CONTENT_LENGTH) != 0;
		head.contentLength = head.hasContentLength ? parser->content_length : 0;
		head.upgrade = parser->upgrade != 0;
		// An Upgrade is never honoured (RFC 9110 lets a server ignore it):
		// what follows stays HTTP/1.1.
		parser->upgrade = 0;
		// Stop here, so that the caller sees the head before any body byte.
		return HPE_PAUSED;
	}

	static int onBody(llhttp_t* parser, const char* at, std::size_t length)
	{
		State& state = *of(parser)._state;
		if (state.body) state.body->append(at, length);
		state.bodyBytes += length;
		return 0;
	}

	static int onMessageComplete(llhttp_t* parser)
	{
		of(parser)._state->phase = Phase::Complete;
		return HPE_PAUSED;
	}
};


RequestParser::RequestParser(const Limits& limits):
	_limits(limits),
	_state(new State)
{
	llhttp_settings_init(&_state->settings);
	_state->settings.on_message_begin = &Callbacks::onMessageBegin;
	_state->settings.on_method_complete = &Callbacks::onMethodComplete;
	_state->settings.on_url = &Callbacks::onUrl;
	_state->settings.on_url_complete = &Callbacks::onUrlComplete;
	_state->settings.on_header_field = &Callbacks::onHeaderField;
	_state->settings.on_header_field_complete = &Callbacks::onHeaderFieldComplete;
	_state->settings.on_header_value = &Callbacks::onHeaderValue;
	_state->settings.on_header_value_complete = &Callbacks::onHeaderValueComplete;
	_state->settings.on_headers_complete = &Callbacks::onHeadersComplete;
	_state->settings.on_body = &Callbacks::onBody;
	_state->settings.on_message_complete = &Callbacks::onMessageComplete;
	llhttp_init(&_state->parser, HTTP_REQUEST, &_state->settings);
	// Versions are judged here (505 for an unsupported one, 1.2 read as
	// 1.1 as RFC 9112 asks), not refused by the parser as malformed.
	_state->parser.lenient_flags |= LENIENT_VERSION;
	_state->parser.data = this;
}


RequestParser::~RequestParser()
{
}


RequestParser::Phase RequestParser::phase() const
{
	return _state->phase;
}


bool RequestParser::started() const
{
	return _state->started || _state->headBytes > 0;
}


const RequestHead& RequestParser::head() const
{
	return _state->head;
}


std::uint64_t RequestParser::bodyBytesRead() const
{
	return _state->bodyBytes;
}


int RequestParser::failureStatus() const
{
	return _state->failureStatus;
}


const std::string& RequestParser::failureReason() const
{
	return _state->failureReason;
}


void RequestParser::fail(int status, const std::string& reason)
{
	_state->phase = Phase::Failed;
	_state->failureStatus = status;
	_state->failureReason = reason;
}


void RequestParser::failFromParser(int error, const char* reason)
{
	// A callback's refusal comes back as that callback's error code.
	if (_state->userStatus != 0)
	{
		fail(_state->userStatus, _state->userReason);
		return;
	}
	std::string why = reason ? reason : llhttp_errno_name(static_cast<llhttp_errno_t>(error));
	switch (error)
	{
	case HPE_PAUSED_H2_UPGRADE:
		fail(505, "HTTP/2 is not supported on this port; use HTTP/1.1");
		return;
	case HPE_INVALID_METHOD:
		{
			// A well-formed method this server does not know is 501, as RFC
			// 9110 asks; bytes that are no method at all are 400.
			if (!decideMethod()) _state->methodPending = true;
			return;
		}
	case HPE_INVALID_TRANSFER_ENCODING:
		fail(400, "Transfer-Encoding must end with chunked, once: " + why);
		return;
	default:
		fail(400, "The request is not valid HTTP/1.1: " + why);
		return;
	}
}


std::size_t RequestParser::foldAt(const char* data, std::size_t length) const
{
	// A line of the head that begins with whitespace is either obs-fold or
	// whitespace before the first field; RFC 9112 lets a server refuse both
	// (llhttp would take the first as a continued value). Bare LF is already
	// refused, so every '\n' here ends a CRLF.
	char previous = _state->lastHeadByte;
	for (std::size_t i = 0; i < length; ++i)
	{
		if (previous == '\n' && (data[i] == ' ' || data[i] == '\t')) return i;
		previous = data[i];
	}
	return length;
}


std::size_t RequestParser::parseHead(const char* data, std::size_t length)
{
	State& state = *_state;
	if (state.phase != Phase::Head || length == 0) return 0;
	if (state.methodBytes.size() < MAX_METHOD_BYTES)
		state.methodBytes.append(data, std::min(length, MAX_METHOD_BYTES - state.methodBytes.size()));
	if (state.methodPending)
	{
		if (!decideMethod()) state.methodPending = true;
		return length;
	}
	std::size_t allowed = _limits.maxHeadBytes - state.headBytes;
	std::size_t feed = std::min(length, allowed);
	// llhttp sees the bytes up to a folded line only, so that whichever
	// problem comes first in the bytes is the one reported, however they
	// are split into reads.
	std::size_t fold = foldAt(data, feed);
	llhttp_errno_t error = llhttp_execute(&state.parser, data, fold);
	std::size_t used = fold;
	if (error == HPE_PAUSED)
	{
		used = static_cast<std::size_t>(llhttp_get_error_pos(&state.parser) - data);
		llhttp_resume(&state.parser);
	}
	else if (error != HPE_OK)
	{
		failFromParser(error, llhttp_get_error_reason(&state.parser));
		return used;
	}
	state.headBytes += used;
	if (used > 0) state.lastHeadByte = data[used - 1];
	if (error == HPE_PAUSED)
	{
		state.head.bytes = state.headBytes;
		completeHead();
	}
	else if (fold < feed)
	{
		fail(400, "A header field line begins with whitespace (obs-fold is not accepted)");
	}
	else if (state.headBytes >= _limits.maxHeadBytes)
	{
		if (state.inTarget)
			fail(414, "The request-target is longer than the limit of " + std::to_string(_limits.maxHeadBytes) + " bytes");
		else
			fail(431, "The request's head is larger than the limit of " + std::to_string(_limits.maxHeadBytes) + " bytes (server.max_header_bytes)");
	}
	return used;
}


bool RequestParser::decideMethod()
{
	// The request line starts after any empty lines (RFC 9112 2.2).
	const std::string& bytes = _state->methodBytes;
	std::size_t start = bytes.find_first_not_of("\r\n");
	std::string line = start == std::string::npos ? std::string() : bytes.substr(start);
	std::size_t space = line.find(' ');
	std::string method = line.substr(0, space);
	if (!method.empty() && !isToken(method))
	{
		fail(400, "The request line is not valid HTTP: the method is not a token");
		return true;
	}
	if (space != std::string::npos)
	{
		// A well-formed method this server does not know is 501, as RFC
		// 9110 asks; bytes that are no method at all are 400.
		if (method.empty()) fail(400, "The request line is not valid HTTP: it has no method");
		else fail(501, "The method is not implemented by this server");
		return true;
	}
	if (bytes.size() >= MAX_METHOD_BYTES)
	{
		fail(400, "The request line is not valid HTTP: the method is longer than any method");
		return true;
	}
	_state->phase = Phase::Head;
	return false;
}


void RequestParser::completeHead()
{
	RequestHead& head = _state->head;
	if (head.versionMajor != 1)
	{
		fail(505, "HTTP/" + std::to_string(head.versionMajor) + "." + std::to_string(head.versionMinor) +
			" is not supported; this server speaks HTTP/1.1 and HTTP/1.0");
		return;
	}
	if (head.versionMinor > 1) head.versionMinor = 1;
	if (head.method == "CONNECT")
	{
		fail(501, "CONNECT is not supported: this server is not a proxy");
		return;
	}

	std::string targetProblem = RequestTarget::problem(head.method, head.target);
	if (!targetProblem.empty())
	{
		fail(400, targetProblem);
		return;
	}

	if (head.count("Transfer-Encoding") > 0)
	{
		if (head.versionMinor == 0)
		{
			fail(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
			return;
		}
		std::vector<std::string> codings = transferCodings(head);
		if (codings.empty() || codings.back() != "chunked")
		{
			// RFC 9112 6.1: without chunked last, the body's length is unknown.
			fail(400, "Transfer-Encoding must end with chunked");
			return;
		}
		for (const auto& coding: codings)
		{
			if (coding != "chunked")
			{
				fail(501, "Transfer-Encoding '" + coding + "' is not supported; send the body with chunked alone or with Content-Length");
				return;
			}
		}
	}

	std::size_t hosts = head.count("Host");
	if (hosts > 1)
	{
		fail(400, "The request has " + std::to_string(hosts) + " Host header fields; exactly one is allowed");
		return;
	}
	if (hosts == 0 && head.versionMinor == 1)
	{
		fail(400, "An HTTP/1.1 request must have a Host header field");
		return;
	}
	// An empty Host is what a client sends for a target without authority
	// (RFC 9112 3.2); every target of this server has one.
	if (hosts == 1 && head.versionMinor == 1 && Poco::trim(*head.find("Host")).empty())
	{
		fail(400, "The Host header field is empty; it must name this server");
		return;
	}
	if (hosts == 1 && !HostName::isValidField(*head.find("Host")))
	{
		fail(400, "The Host header field is not a valid host name with an optional port");
		return;
	}
	_state->phase = Phase::Body;
}


std::size_t RequestParser::parseBody(const char* data, std::size_t length, std::string& body, std::size_t maxBody)
{
	State& state = *_state;
	if (state.phase != Phase::Body) return 0;
	static const char nothing = 0;
	if (length == 0) data = &nothing;
	std::size_t feed = std::min(length, std::max<std::size_t>(maxBody, 1));
	state.body = &body;
	llhttp_errno_t error = llhttp_execute(&state.parser, data, feed);
	state.body = nullptr;
	std::size_t used = feed;
	if (error == HPE_PAUSED)
	{
		used = static_cast<std::size_t>(llhttp_get_error_pos(&state.parser) - data);
		llhttp_resume(&state.parser);
	}
	else if (error == HPE_PAUSED_UPGRADE)
	{
		// Cannot happen (the upgrade flag is cleared with the head), but if
		// it did, the connection would not be read as HTTP again.
		used = static_cast<std::size_t>(llhttp_get_error_pos(&state.parser) - data);
		fail(400, "Protocol upgrades are not supported");
	}
	else if (error != HPE_OK)
	{
		failFromParser(error, llhttp_get_error_reason(&state.parser));
		if (state.failureStatus == 400)
			state.failureReason = "The request body is not valid HTTP/1.1 framing: " + std::string(llhttp_get_error_reason(&state.parser));
	}
	if (length == 0) used = 0;
	return used;
}


void RequestParser::endOfInput()
{
	if (_state->phase == Phase::Head && started())
		fail(400, "The connection was closed in the middle of a request head");
	else if (_state->phase == Phase::Body)
		fail(400, "The connection was closed before the request body ended");
}


void RequestParser::nextMessage()
{
	if (_state->phase != Phase::Complete) return;
	State& state = *_state;
	state.phase = Phase::Head;
	state.head = RequestHead();
	state.started = false;
	state.headBytes = 0;
	state.lastHeadByte = 0;
	state.fieldName.clear();
	state.fieldValue.clear();
	state.inFieldValue = false;
	state.inTarget = false;
	state.methodBytes.clear();
	state.methodPending = false;
	state.trailerBytes = 0;
	state.trailerFields = 0;
	state.bodyBytes = 0;
}


} // namespace Nash
