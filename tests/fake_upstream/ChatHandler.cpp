//
// ChatHandler.cpp
//


#include "ChatHandler.h"
#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Timestamp.h"
#include <algorithm>


namespace FakeUpstream {


namespace {


const int stallMilliseconds = 60000;
const std::size_t hugeLineBytes = 8 * 1024 * 1024;
const int piecesBeforeFault = 2;
const long long maxWholeDelayMs = 3600 * 1000;


} // namespace


ChatHandler::ChatHandler(UpstreamContext& context, std::string path, const ApiDialect& dialect):
	UpstreamHandler(context, std::move(path)),
	_dialect(dialect)
{
}


void ChatHandler::answer(Poco::Net::HTTPServerRequest& httpRequest, Poco::Net::HTTPServerResponse& response, const std::string& body, ClientWatch& watch)
{
	Poco::JSON::Object::Ptr request;
	try
	{
		request = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
	}
	if (!request)
	{
		sendError(response, 400, "");
		return;
	}
	std::string model = request->optValue<std::string>("model", "");
	Scenario scenario = Scenario::fromModel(model);
	// Ollama has no scripts; the script-* names are ordinary models there.
	if (scenario.scripted() && !_dialect.runsScripts()) scenario = Scenario();
	switch (scenario.kind)
	{
	case Scenario::ERROR:
		sendError(response, scenario.status, model);
		return;
	case Scenario::ERROR_ONCE:
		if (_context.stats.firstTime(model))
		{
			sendError(response, scenario.status, model);
			return;
		}
		break;
	case Scenario::STALL_FIRST:
		stall(watch);
		return;
	default:
		break;
	}

	if (scenario.scripted())
	{
		// Only the scripted models are this strict: the other tests send
		// what the real APIs would refuse (a "system" message to Anthropic,
		// no max_tokens) and must keep getting answers.
		std::string problem = _dialect.scriptProblem(*request);
		if (!problem.empty())
		{
			sendJson(response, 400, _dialect.invalidRequestBody(problem));
			return;
		}
	}

	Exchange exchange;
	exchange.model = model;
	exchange.serial = ++_context.serial;
	Poco::Timestamp now;
	exchange.created = now.epochTime();
	exchange.createdAt = Poco::DateTimeFormatter::format(now, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
	_dialect.prepare(exchange, *request);
	_dialect.addAnswerHeaders(httpRequest, now, _answerHeaders);
	std::string prompt = ApiDialect::lastUserText(*request);
	exchange.inputTokens = ApiDialect::countWords(prompt) + 1;

	if (scenario.scripted())
	{
		ScriptedTurn turn = ToolScript::plan(scenario, _dialect.toolHistory(*request), _dialect.toolIdPrefix());
		exchange.text = turn.text();
		exchange.outputTokens = turn.outputTokens();
		sendScripted(response, exchange, turn, _dialect.streamRequested(*request));
		return;
	}

	// The bench stream makes its pieces as it goes; the others are known now.
	std::vector<std::string> pieces;
	if (scenario.kind == Scenario::BENCH)
	{
		exchange.outputTokens = scenario.chunks;
		exchange.text = "tok";
		for (int i = 1; i < scenario.chunks; ++i) exchange.text += " tok";
	}
	else
	{
		exchange.text = "Reply from " + _dialect.name() + ": " + prompt;
		pieces = ApiDialect::splitWords(exchange.text);
		if (scenario.kind == Scenario::HUGE_LINE)
		{
			pieces.insert(pieces.begin(), std::string(hugeLineBytes, 'x'));
			exchange.text = pieces.front() + exchange.text;
		}
		exchange.outputTokens = static_cast<int>(pieces.size());
	}

	if (_dialect.streamRequested(*request)) sendStream(response, exchange, scenario, pieces, watch);
	else sendWhole(response, exchange, scenario, watch);
}


void ChatHandler::sendError(Poco::Net::HTTPServerResponse& response, int status, const std::string& model)
{
	if (status == 429) response.set("Retry-After", "1");
	sendJson(response, status, _dialect.errorBody(status, model));
}


void ChatHandler::sendScripted(Poco::Net::HTTPServerResponse& response, const Exchange& exchange, const ScriptedTurn& turn, bool stream)
{
	if (!stream)
	{
		std::string body;
		_dialect.appendScriptedAnswer(body, exchange, turn);
		addAnswerHeaders(response);
		sendJson(response, 200, body);
		return;
	}
	std::vector<std::string> events;
	_dialect.appendScriptedEvents(events, exchange, turn);
	startStream(response);
	std::ostream& out = response.send();
	for (const auto& event: events)
	{
		if (!emit(out, event)) return;
	}
}


void ChatHandler::startStream(Poco::Net::HTTPServerResponse& response)
{
	response.setChunkedTransferEncoding(true);
	response.setContentType(_dialect.streamContentType());
	response.set("Cache-Control", "no-cache");
	addAnswerHeaders(response);
}


void ChatHandler::addAnswerHeaders(Poco::Net::HTTPServerResponse& response)
{
	for (const auto& header: _answerHeaders) response.set(header.first, header.second);
}


void ChatHandler::sendWhole(Poco::Net::HTTPServerResponse& response, const Exchange& exchange, const Scenario& scenario, ClientWatch& watch)
{
	ApiDialect::Reply reply = scenario.kind == Scenario::TOOLS ? ApiDialect::TOOL_CALL : ApiDialect::TEXT;
	std::string body;
	_dialect.appendAnswer(body, exchange, reply);
	switch (scenario.kind)
	{
	case Scenario::BENCH:
		// As long as the stream would have taken.
		if (scenario.delayMs > 0 && !pause(watch, static_cast<int>(std::min<long long>(1LL * scenario.delayMs * (scenario.chunks - 1), maxWholeDelayMs)))) return;
		break;
	case Scenario::MALFORMED:
		body.resize(body.size() / 2);
		break;
	case Scenario::ERROR_MID:
		sendError(response, 500, exchange.model);
		return;
	case Scenario::CUT:
	case Scenario::STALL_MID:
	{
		// Promise the whole body, deliver half of it.
		addAnswerHeaders(response);
		response.setContentType("application/json");
		response.setContentLength(static_cast<std::streamsize>(body.size()));
		std::ostream& out = response.send();
		if (!emit(out, body.substr(0, body.size() / 2))) return;
		if (scenario.kind == Scenario::STALL_MID) stall(watch);
		else watch.closeConnection();
		return;
	}
	default:
		break;
	}
	addAnswerHeaders(response);
	sendJson(response, 200, body);
}


void ChatHandler::sendStream(Poco::Net::HTTPServerResponse& response, const Exchange& exchange, const Scenario& scenario, const std::vector<std::string>& pieces, ClientWatch& watch)
{
	ApiDialect::Reply reply = scenario.kind == Scenario::TOOLS ? ApiDialect::TOOL_CALL : ApiDialect::TEXT;
	startStream(response);
	std::ostream& out = response.send();

	std::string buffer;
	buffer.reserve(1024);
	_dialect.appendStreamStart(buffer, exchange, reply);
	if (!emit(out, buffer)) return;
	if (reply == ApiDialect::TOOL_CALL)
	{
		std::vector<std::string> events;
		_dialect.appendToolEvents(events, exchange);
		for (const auto& event: events)
		{
			if (!emit(out, event)) return;
		}
	}
	else if (!sendPieces(out, buffer, exchange, scenario, pieces, watch))
	{
		return;
	}
	buffer.clear();
	_dialect.appendStreamEnd(buffer, exchange, reply);
	emit(out, buffer);
}


bool ChatHandler::sendPieces(std::ostream& out, std::string& buffer, const Exchange& exchange, const Scenario& scenario, const std::vector<std::string>& pieces, ClientWatch& watch)
{
	if (scenario.kind == Scenario::BENCH)
	{
		static const std::string first("tok");
		static const std::string next(" tok");
		for (int i = 0; i < scenario.chunks; ++i)
		{
			if (i > 0 && scenario.delayMs > 0 && !pause(watch, scenario.delayMs)) return false;
			buffer.clear();
			_dialect.appendContent(buffer, exchange, i == 0 ? first : next);
			if (!emit(out, buffer)) return false;
		}
		return true;
	}

	for (std::size_t i = 0; i < pieces.size(); ++i)
	{
		if (i == piecesBeforeFault)
		{
			switch (scenario.kind)
			{
			case Scenario::STALL_MID:
				stall(watch);
				return false;
			case Scenario::CUT:
				watch.closeConnection();
				return false;
			case Scenario::ERROR_MID:
				buffer.clear();
				_dialect.appendStreamError(buffer, "Overloaded");
				emit(out, buffer);
				return false;
			default:
				break;
			}
		}
		if (i == 1 && scenario.kind == Scenario::MALFORMED)
		{
			buffer.clear();
			_dialect.appendMalformed(buffer);
			if (!emit(out, buffer)) return false;
		}
		buffer.clear();
		_dialect.appendContent(buffer, exchange, pieces[i]);
		if (!emit(out, buffer)) return false;
	}
	return true;
}


bool ChatHandler::emit(std::ostream& out, const std::string& bytes)
{
	if (bytes.empty()) return true;
	try
	{
		out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
		out.flush();
		if (out.good()) return true;
	}
	catch (Poco::Exception&)
	{
	}
	_context.stats.clientClosed();
	return false;
}


bool ChatHandler::pause(ClientWatch& watch, int milliseconds)
{
	ClientWatch::Outcome outcome = watch.wait(milliseconds);
	if (outcome == ClientWatch::CLIENT_GONE) _context.stats.clientClosed();
	return outcome == ClientWatch::ELAPSED;
}


void ChatHandler::stall(ClientWatch& watch)
{
	pause(watch, stallMilliseconds);
	watch.closeConnection();
}


} // namespace FakeUpstream
