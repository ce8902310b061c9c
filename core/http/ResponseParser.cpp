//
// ResponseParser.cpp
//


#include "core/http/ResponseParser.h"
#include "Poco/String.h"
#include "llhttp.h"
#include <exception>


namespace Nash {


struct ResponseParser::State
{
	llhttp_t parser;
	Phase phase = Phase::Head;
	BodyCallback body;
	bool noBody = false;
	bool started = false;
	std::size_t headBytes = 0;
		/// Of the head being read (each interim answer's on its own).
	int status = 0;
	std::string reason;
	int versionMinor = 1;
	Poco::Net::NameValueCollection headers;
	int fields = 0;
	std::string fieldName;
	std::string fieldValue;
	std::size_t trailerBytes = 0;
	bool chunked = false;
	bool hasContentLength = false;
	std::uint64_t contentLength = 0;
	bool untilClose = false;
	bool hasBody = false;
	bool keepAlive = false;
	bool interimDone = false;
		/// An interim answer (1xx) just ended: the next head starts afresh.
	bool headDone = false;
		/// The head just completed: parse() returns to its caller.
	bool halted = false;
	std::exception_ptr callbackError;
	std::string userError;
	std::uint64_t bodyBytes = 0;
	std::string failureReason;
};


struct ResponseParser::Callbacks
{
	static ResponseParser& of(llhttp_t* parser)
	{
		return *static_cast<ResponseParser*>(parser->data);
	}

	static int userError(llhttp_t* parser, const std::string& reason)
	{
		of(parser)._state->userError = reason;
		return HPE_USER;
	}

	static int onMessageBegin(llhttp_t* parser)
	{
		State& state = *of(parser)._state;
		// After an interim answer: the final answer's head replaces it.
		state.started = true;
		state.status = 0;
		state.reason.clear();
		state.headers.clear();
		state.fields = 0;
		state.fieldName.clear();
		state.fieldValue.clear();
		return 0;
	}

	static int onStatus(llhttp_t* parser, const char* at, std::size_t length)
	{
		of(parser)._state->reason.append(at, length);
		return 0;
	}

	static int trailerBytes(llhttp_t* parser, std::size_t length)
	{
		ResponseParser& self = of(parser);
		State& state = *self._state;
		state.trailerBytes += length;
		if (state.trailerBytes > self._limits.maxHeadBytes)
			return userError(parser, "the answer's trailer fields are larger than " + std::to_string(self._limits.maxHeadBytes) + " bytes");
		return 0;
	}

	static int onHeaderField(llhttp_t* parser, const char* at, std::size_t length)
	{
		State& state = *of(parser)._state;
		if (state.phase != Phase::Head) return trailerBytes(parser, length);
		state.fieldName.append(at, length);
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
		ResponseParser& self = of(parser);
		State& state = *self._state;
		if (++state.fields > self._limits.maxFields)
			return userError(parser, "the answer has more than " + std::to_string(self._limits.maxFields) + " header fields");
		if (state.phase != Phase::Head) return 0;
		state.headers.add(state.fieldName, Poco::trim(state.fieldValue));
		state.fieldName.clear();
		state.fieldValue.clear();
		return 0;
	}

	static int onHeadersComplete(llhttp_t* parser)
	{
		State& state = *of(parser)._state;
		state.status = parser->status_code;
		state.versionMinor = parser->http_minor;
		if (parser->http_major != 1)
			return userError(parser, "the answer is HTTP/" + std::to_string(parser->http_major) + "." + std::to_string(parser->http_minor) + ", not HTTP/1.x");
		// Three digits, as RFC 9112 asks (llhttp takes "0" or "42" too).
		if (state.status < 100 || state.status > 999)
			return userError(parser, "the answer's status " + std::to_string(state.status) + " is not a three-digit code");
		if (state.status == 101)
			return userError(parser, "the upstream switched protocols (101), which was never asked for");
		// An Upgrade offered with another status is not taken: what follows
		// stays this response (and llhttp would stop reading it otherwise).
		parser->upgrade = 0;
		if (state.status / 100 == 1)
		{
			// An interim answer has no body; the final one follows.
			return 0;
		}
		if (state.noBody) parser->flags |= F_SKIPBODY;
		state.chunked = (parser->flags & F_CHUNKED) != 0;
		state.hasContentLength = (parser->flags & F_CONTENT_LENGTH) != 0;
		state.contentLength = state.hasContentLength ? parser->content_length : 0;
		state.untilClose = llhttp_message_needs_eof(parser) != 0;
		bool bodyless = state.noBody || state.status == 204 || state.status == 304;
		state.hasBody = !bodyless && (state.chunked || state.untilClose || state.contentLength > 0);
		state.phase = Phase::Body;
		state.headDone = true;
		// Stop here, so that the caller sees the head before any body byte.
		return HPE_PAUSED;
	}

	static int onBody(llhttp_t* parser, const char* at, std::size_t length)
	{
		State& state = *of(parser)._state;
		state.bodyBytes += length;
		if (state.body)
		{
			// No exception may cross llhttp's C frames: kept, rethrown by parse().
			try
			{
				state.body(at, length);
			}
			catch (...)
			{
				state.callbackError = std::current_exception();
				return HPE_USER;
			}
		}
		return state.halted ? HPE_USER : 0;
	}

	static int onMessageComplete(llhttp_t* parser)
	{
		State& state = *of(parser)._state;
		if (state.phase == Phase::Head)
		{
			state.interimDone = true;
			return HPE_PAUSED;
		}
		state.keepAlive = llhttp_should_keep_alive(parser) != 0 && !state.untilClose;
		state.phase = Phase::Complete;
		return HPE_PAUSED;
	}

	static const llhttp_settings_t& settings()
	{
		// One for every parser: the callbacks find their parser through data.
		static const llhttp_settings_t shared = [] {
			llhttp_settings_t settings;
			llhttp_settings_init(&settings);
			settings.on_message_begin = &onMessageBegin;
			settings.on_status = &onStatus;
			settings.on_header_field = &onHeaderField;
			settings.on_header_value = &onHeaderValue;
			settings.on_header_value_complete = &onHeaderValueComplete;
			settings.on_headers_complete = &onHeadersComplete;
			settings.on_body = &onBody;
			settings.on_message_complete = &onMessageComplete;
			return settings;
		}();
		return shared;
	}
};


ResponseParser::ResponseParser():
	ResponseParser(Limits())
{
}


ResponseParser::ResponseParser(const Limits& limits):
	_limits(limits),
	_state(new State)
{
	llhttp_init(&_state->parser, HTTP_RESPONSE, &Callbacks::settings());
	_state->parser.data = this;
}


ResponseParser::~ResponseParser() = default;


void ResponseParser::setBodyCallback(BodyCallback callback)
{
	_state->body = std::move(callback);
}


void ResponseParser::expectNoBody()
{
	_state->noBody = true;
}


void ResponseParser::halt()
{
	_state->halted = true;
}


void ResponseParser::fail(const std::string& reason)
{
	_state->phase = Phase::Failed;
	_state->failureReason = reason;
}


void ResponseParser::failFromParser(int error, const char* reason)
{
	State& state = *_state;
	if (state.halted)
	{
		fail("halted");
		return;
	}
	if (!state.userError.empty())
	{
		fail(state.userError);
		return;
	}
	std::string why = reason ? reason : llhttp_errno_name(static_cast<llhttp_errno_t>(error));
	if (state.phase == Phase::Body)
		fail("the answer's body is not valid HTTP/1.1 framing: " + why);
	else
		fail("the answer is not valid HTTP/1.1: " + why);
}


std::size_t ResponseParser::parse(const char* data, std::size_t length)
{
	State& state = *_state;
	static const char nothing = 0;
	if (length == 0) data = &nothing;
	std::size_t total = 0;
	// Once even without bytes: a message without a body completes then.
	bool first = true;
	while ((state.phase == Phase::Head || state.phase == Phase::Body) && (total < length || (first && state.phase == Phase::Body)))
	{
		first = false;
		const char* piece = data + total;
		std::size_t feed = length - total;
		bool inHead = state.phase == Phase::Head;
		if (inHead) feed = std::min(feed, _limits.maxHeadBytes - state.headBytes);
		llhttp_errno_t error = llhttp_execute(&state.parser, piece, feed);
		std::size_t used = feed;
		if (error == HPE_PAUSED)
		{
			used = static_cast<std::size_t>(llhttp_get_error_pos(&state.parser) - piece);
			llhttp_resume(&state.parser);
		}
		else if (error != HPE_OK)
		{
			const char* position = llhttp_get_error_pos(&state.parser);
			used = position && position >= piece && position <= piece + feed ? static_cast<std::size_t>(position - piece) : 0;
			total += used;
			if (state.callbackError)
			{
				fail("the body callback failed");
				std::exception_ptr callbackError = state.callbackError;
				state.callbackError = nullptr;
				std::rethrow_exception(callbackError);
			}
			failFromParser(error, llhttp_get_error_reason(&state.parser));
			return total;
		}
		if (length == 0) used = 0;
		total += used;
		if (inHead) state.headBytes += used;
		if (state.interimDone)
		{
			state.interimDone = false;
			state.headBytes = 0;
			continue;
		}
		if (state.headDone)
		{
			state.headDone = false;
			// A response without a body completes here; with one, the caller
			// sees the head before the body's first byte.
			if (state.hasBody) return total;
			first = true;
			continue;
		}
		if (state.phase == Phase::Head && state.headBytes >= _limits.maxHeadBytes)
			fail("the answer's head is larger than " + std::to_string(_limits.maxHeadBytes) + " bytes");
	}
	return total;
}


void ResponseParser::finish()
{
	State& state = *_state;
	if (state.phase == Phase::Head)
	{
		if (state.started || state.headBytes > 0)
			fail("the connection closed in the middle of the answer's head");
		else
			fail("the connection closed without an answer");
		return;
	}
	if (state.phase != Phase::Body) return;
	llhttp_errno_t error = llhttp_finish(&state.parser);
	if (error == HPE_PAUSED || error == HPE_OK)
	{
		if (state.phase == Phase::Complete)
		{
			state.keepAlive = false;
			return;
		}
	}
	if (state.hasContentLength)
		fail("the connection closed after " + std::to_string(state.bodyBytes) + " of " + std::to_string(state.contentLength) + " bytes of the answer's body");
	else
		fail("the connection closed before the answer's body was complete");
}


ResponseParser::Phase ResponseParser::phase() const
{
	return _state->phase;
}


bool ResponseParser::started() const
{
	return _state->started || _state->headBytes > 0;
}


int ResponseParser::status() const
{
	return _state->status;
}


const std::string& ResponseParser::reason() const
{
	return _state->reason;
}


int ResponseParser::versionMinor() const
{
	return _state->versionMinor;
}


const Poco::Net::NameValueCollection& ResponseParser::headers() const
{
	return _state->headers;
}


bool ResponseParser::chunked() const
{
	return _state->chunked;
}


bool ResponseParser::hasContentLength() const
{
	return _state->hasContentLength;
}


std::uint64_t ResponseParser::contentLength() const
{
	return _state->contentLength;
}


bool ResponseParser::bodyUntilClose() const
{
	return _state->untilClose;
}


bool ResponseParser::keepAlive() const
{
	return _state->phase == Phase::Complete && _state->keepAlive;
}


std::uint64_t ResponseParser::bodyBytes() const
{
	return _state->bodyBytes;
}


const std::string& ResponseParser::failureReason() const
{
	return _state->failureReason;
}


} // namespace Nash
