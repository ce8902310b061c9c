//
// ChatClient.cpp
//


#include "ChatClient.h"
#include "ServerUnreachableException.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/NetException.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include "Poco/Timespan.h"
#include <sstream>


namespace NashClient {


namespace {


const std::string STREAM_ENDPOINT = "/v1/chat/completions/stream";
const std::string SUMMARIZE_ENDPOINT = "/v1/chat/summarize";

// A model may think for a long time before its first word, so the receive
// timeout is generous; the connection itself is local and quick.
const Poco::Timespan CONNECT_TIMEOUT(10, 0);
const Poco::Timespan SEND_TIMEOUT(30, 0);
const Poco::Timespan RECEIVE_TIMEOUT(600, 0);

const std::string::size_type MAX_ERROR_BODY = 500;


Poco::JSON::Object::Ptr parseObject(const std::string& text)
	/// Returns the JSON object in text; null when text is not a JSON object.
{
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var value = parser.parse(text);
		if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
	}
	return nullptr;
}


std::string toText(const Poco::Dynamic::Var& value)
	/// A string value as it is; anything else as JSON.
{
	if (value.isString()) return value.convert<std::string>();
	std::ostringstream out;
	Poco::JSON::Stringifier::stringify(value, out);
	return out.str();
}


int toInt(const Poco::JSON::Object::Ptr& object, const std::string& key)
	/// The number under key; 0 when it is missing or not a number.
{
	if (!object || !object->has(key)) return 0;
	Poco::Dynamic::Var value = object->get(key);
	if (!value.isInteger() && !value.isNumeric()) return 0;
	try
	{
		return value.convert<int>();
	}
	catch (Poco::Exception&)
	{
		return 0;
	}
}


} // namespace


bool ChatClient::StreamResult::sessionIdsAgree() const
{
	return firstSessionId == lastSessionId;
}


bool ChatClient::StreamResult::succeeded() const
{
	return complete && !warned && !failed && sessionIdsAgree();
}


ChatClient::ChatClient(const Poco::URI& baseUri): _baseUri(baseUri)
{
	if (Poco::toLower(_baseUri.getScheme()) != "http")
		throw Poco::InvalidArgumentException("the server URL must start with http://", _baseUri.toString());
	if (_baseUri.getHost().empty())
		throw Poco::InvalidArgumentException("the server URL names no host", _baseUri.toString());
	_pathPrefix = _baseUri.getPath();
	while (!_pathPrefix.empty() && _pathPrefix.back() == '/') _pathPrefix.pop_back();
}


void ChatClient::setModel(const std::string& model)
{
	_model = model;
}


const std::string& ChatClient::model() const
{
	return _model;
}


const Poco::URI& ChatClient::baseUri() const
{
	return _baseUri;
}


ChatClient::StreamResult ChatClient::streamChat(const Poco::JSON::Array::Ptr& messages, const std::string& sessionId, StreamListener& listener)
{
	std::unique_ptr<Poco::Net::HTTPClientSession> session = openSession();
	Poco::Net::HTTPResponse response;
	std::istream& in = post(*session, STREAM_ENDPOINT, makeRequestBody(messages, sessionId), "text/event-stream", response);

	// Server-sent events: "field: value" lines, an empty line ends an event.
	// std::getline returns as soon as a line is complete, because the
	// chunked stream hands over whatever the socket has received.
	StreamResult result;
	std::string line;
	std::string data;
	bool haveData = false;
	bool more = true;
	while (more && std::getline(in, line))
	{
		if (!line.empty() && line.back() == '\r') line.pop_back();
		if (line.empty())
		{
			if (haveData) more = dispatchEvent(data, result, listener);
			data.clear();
			haveData = false;
			continue;
		}
		if (line[0] == ':') continue;
		std::string::size_type colon = line.find(':');
		std::string field = line.substr(0, colon);
		if (field != "data") continue;
		std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
		if (!value.empty() && value[0] == ' ') value.erase(0, 1);
		if (haveData) data += '\n';
		data += value;
		haveData = true;
	}
	if (more && haveData) dispatchEvent(data, result, listener);
	return result;
}


ChatClient::SummaryResult ChatClient::summarize(const Poco::JSON::Array::Ptr& messages, const std::string& sessionId)
{
	std::unique_ptr<Poco::Net::HTTPClientSession> session = openSession();
	Poco::Net::HTTPResponse response;
	std::istream& in = post(*session, SUMMARIZE_ENDPOINT, makeRequestBody(messages, sessionId), "application/json", response);
	std::string body;
	Poco::StreamCopier::copyToString(in, body);

	Poco::JSON::Object::Ptr answer = parseObject(body);
	if (!answer) throw Poco::DataFormatException("the summarize answer is not a JSON object");
	if (!answer->optValue("success", false))
	{
		std::string why = errorText(body);
		throw Poco::RuntimeException("the server could not summarize the conversation", why);
	}

	SummaryResult result;
	if (answer->has("summary")) result.summary = toText(answer->get("summary"));
	result.messages = answer->getArray("messages");
	if (!result.messages) throw Poco::DataFormatException("the summarize answer has no \"messages\" array");
	for (std::size_t i = 0; i < result.messages->size(); ++i)
	{
		if (!result.messages->getObject(static_cast<unsigned>(i)))
			throw Poco::DataFormatException("the summarize answer's \"messages\" holds something that is not a message object");
	}
	Poco::JSON::Object::Ptr reduction = answer->getObject("token_reduction");
	result.tokensBefore = toInt(reduction, "before");
	result.tokensAfter = toInt(reduction, "after");
	if (answer->has("session_id") && answer->get("session_id").isString())
		result.sessionId = answer->getValue<std::string>("session_id");
	return result;
}


std::string ChatClient::makeRequestBody(const Poco::JSON::Array::Ptr& messages, const std::string& sessionId) const
{
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	body.set("messages", messages ? messages : Poco::JSON::Array::Ptr(new Poco::JSON::Array));
	if (sessionId.empty())
		body.set("session_id", Poco::Dynamic::Var());
	else
		body.set("session_id", sessionId);
	if (!_model.empty()) body.set("model", _model);
	std::ostringstream out;
	body.stringify(out);
	return out.str();
}


std::unique_ptr<Poco::Net::HTTPClientSession> ChatClient::openSession() const
{
	std::unique_ptr<Poco::Net::HTTPClientSession> session(new Poco::Net::HTTPClientSession(_baseUri.getHost(), _baseUri.getPort()));
	session->setTimeout(CONNECT_TIMEOUT, SEND_TIMEOUT, RECEIVE_TIMEOUT);
	session->setKeepAlive(false);
	return session;
}


std::istream& ChatClient::post(Poco::Net::HTTPClientSession& session, const std::string& endpoint, const std::string& body, const std::string& accept, Poco::Net::HTTPResponse& response) const
{
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, _pathPrefix + endpoint, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setContentType("application/json");
	request.setContentLength(static_cast<std::streamsize>(body.size()));
	request.set("Accept", accept);
	request.setKeepAlive(false);
	try
	{
		// sendRequest() connects; failing here means the server is not there.
		std::ostream& out = session.sendRequest(request);
		out << body;
		out.flush();
	}
	catch (Poco::IOException& exc)
	{
		throw ServerUnreachableException(_baseUri.toString(), exc);
	}
	catch (Poco::TimeoutException& exc)
	{
		throw ServerUnreachableException(_baseUri.toString(), exc);
	}

	std::istream& in = session.receiveResponse(response);
	if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
	{
		std::string errorBody;
		Poco::StreamCopier::copyToString(in, errorBody);
		throw Poco::Net::HTTPException(errorText(errorBody), static_cast<int>(response.getStatus()));
	}
	return in;
}


bool ChatClient::dispatchEvent(const std::string& data, StreamResult& result, StreamListener& listener)
{
	if (data == "[DONE]")
	{
		result.complete = true;
		return false;
	}

	Poco::JSON::Object::Ptr event = parseObject(data);
	if (!event)
	{
		result.failed = true;
		listener.onError("the server sent an event that is not a JSON object: " + data);
		return true;
	}
	if (event->has("error"))
	{
		result.failed = true;
		listener.onError(toText(event->get("error")));
	}
	else if (event->has("warning"))
	{
		result.warned = true;
		listener.onWarning(parseWarning(event->get("warning")));
	}
	else if (event->has("session_id"))
	{
		std::string id = toText(event->get("session_id"));
		bool first = result.firstSessionId.empty();
		if (first) result.firstSessionId = id;
		result.lastSessionId = id;
		listener.onSessionId(id, first);
	}
	else if (event->has("content"))
	{
		std::string text = toText(event->get("content"));
		result.content += text;
		listener.onContent(text);
	}
	// Events of other kinds are left for newer clients.
	return true;
}


ConversationWarning ChatClient::parseWarning(const Poco::Dynamic::Var& value)
{
	ConversationWarning warning;
	if (value.type() != typeid(Poco::JSON::Object::Ptr))
	{
		warning.text = toText(value);
		return warning;
	}
	Poco::JSON::Object::Ptr object = value.extract<Poco::JSON::Object::Ptr>();
	if (object->has("warning")) warning.text = toText(object->get("warning"));
	Poco::JSON::Array::Ptr suggestions = object->getArray("suggestions");
	if (suggestions)
	{
		for (std::size_t i = 0; i < suggestions->size(); ++i)
			warning.suggestions.push_back(toText(suggestions->get(static_cast<unsigned>(i))));
	}
	Poco::JSON::Object::Ptr details = object->getObject("details");
	Poco::JSON::Object::Ptr limits = details ? details->getObject("limits") : nullptr;
	warning.messageCount = toInt(details, "message_count");
	warning.estimatedTokens = toInt(details, "estimated_tokens");
	warning.maxMessages = toInt(limits, "max_messages");
	warning.maxTokens = toInt(limits, "max_tokens");
	return warning;
}


std::string ChatClient::errorText(const std::string& body)
{
	Poco::JSON::Object::Ptr object = parseObject(body);
	if (object && object->has("detail")) return toText(object->get("detail"));
	if (object && object->has("error")) return toText(object->get("error"));
	std::string text = Poco::trim(body);
	if (text.size() > MAX_ERROR_BODY) text = text.substr(0, MAX_ERROR_BODY) + "...";
	return text;
}


} // namespace NashClient
