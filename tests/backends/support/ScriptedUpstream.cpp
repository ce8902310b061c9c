//
// ScriptedUpstream.cpp
//


#include "ScriptedUpstream.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/StreamCopier.h"


namespace NashTest {


class ScriptedUpstream::Handler: public Poco::Net::HTTPRequestHandler
{
public:
	explicit Handler(ScriptedUpstream& owner):
		_owner(owner)
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
	{
		Request recorded;
		recorded.method = request.getMethod();
		recorded.uri = request.getURI();
		for (const auto& header: request) recorded.headers.add(header.first, header.second);
		Poco::StreamCopier::copyToString(request.stream(), recorded.body);
		_owner.record(recorded);

		Script script = _owner.script();
		if (script.stall == STALL_BEFORE_ANSWER)
		{
			_owner._released.tryWait(30000);
			return;
		}
		response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(script.status));
		response.setContentType(script.contentType);
		for (const auto& header: script.headers) response.add(header.first, header.second);
		response.setChunkedTransferEncoding(true);
		std::ostream& out = response.send();
		out << script.body;
		out.flush();
		if (script.stall == STALL_AFTER_BODY) _owner._released.tryWait(30000);
	}

private:
	ScriptedUpstream& _owner;
};


class ScriptedUpstream::Factory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	explicit Factory(ScriptedUpstream& owner):
		_owner(owner)
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new Handler(_owner);
	}

private:
	ScriptedUpstream& _owner;
};


ScriptedUpstream::ScriptedUpstream():
	_released(Poco::Event::EVENT_MANUALRESET)
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setMaxThreads(8);
	_server.reset(new Poco::Net::HTTPServer(new Factory(*this), _pool, socket, params));
	_server->start();
}


ScriptedUpstream::~ScriptedUpstream()
{
	// Let stalled answers end first: stopAll() does not wait for handlers.
	_released.set();
	_server->stopAll(true);
	// A connection thread still ending would touch the server while it is destroyed.
	_pool.joinAll();
	_server.reset();
}


void ScriptedUpstream::answer(int status, const std::string& contentType, const std::string& body, Stall stall)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_script.status = status;
	_script.contentType = contentType;
	_script.body = body;
	_script.stall = stall;
}


void ScriptedUpstream::header(const std::string& name, const std::string& value)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_script.headers.add(name, value);
}


std::string ScriptedUpstream::baseUrl() const
{
	return "http://127.0.0.1:" + std::to_string(_server->port());
}


std::vector<ScriptedUpstream::Request> ScriptedUpstream::requests() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _requests;
}


ScriptedUpstream::Script ScriptedUpstream::script() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _script;
}


void ScriptedUpstream::record(Request request)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_requests.push_back(std::move(request));
}


} // namespace NashTest
