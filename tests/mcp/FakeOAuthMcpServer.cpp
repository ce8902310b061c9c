//
// FakeOAuthMcpServer.cpp
//


#include "FakeOAuthMcpServer.h"
#include "Pkce.h"
#include "Poco/Base64Decoder.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTMLForm.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/StreamCopier.h"
#include "Poco/URI.h"
#include <set>
#include <sstream>


namespace NashTest {


struct FakeOAuthMcpServer::State
{
	std::mutex mutex;
	std::string base;
	bool refreshTokens = false;
	std::string resourceOverride;
	std::set<std::string> validTokens;
	std::set<std::string> validRefreshTokens;
	std::string challenge;
	int issued = 0;
	Seen seen;
};


namespace {


void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json)
{
	response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(json.size()));
	response.send() << json;
}


std::string decodeBasic(const std::string& header)
{
	if (header.compare(0, 6, "Basic ") != 0) return std::string();
	std::istringstream in(header.substr(6));
	Poco::Base64Decoder decoder(in);
	std::string text;
	Poco::StreamCopier::copyToString(decoder, text);
	return text;
}


class Handler: public Poco::Net::HTTPRequestHandler
{
public:
	explicit Handler(std::shared_ptr<FakeOAuthMcpServer::State> state):
		_state(std::move(state))
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
	{
		Poco::URI uri(request.getURI());
		const std::string& path = uri.getPath();
		if (path == "/mcp") return mcp(request, response);
		if (path == "/.well-known/oauth-protected-resource/mcp")
		{
			std::string resource = _state->resourceOverride.empty() ? _state->base + "/mcp" : _state->resourceOverride;
			return sendJson(response, 200, R"({"resource":")" + resource + R"(","authorization_servers":[")" + _state->base + R"("]})");
		}
		if (path == "/.well-known/oauth-authorization-server")
		{
			const std::string& b = _state->base;
			return sendJson(response, 200, R"({"issuer":")" + b + R"(","authorization_endpoint":")" + b + R"(/authorize",)"
				R"("token_endpoint":")" + b + R"(/token","registration_endpoint":")" + b + R"(/register",)"
				R"("code_challenge_methods_supported":["S256"],"token_endpoint_auth_methods_supported":["client_secret_basic"]})");
		}
		if (path == "/register")
		{
			request.stream().ignore(1 << 20);
			std::lock_guard<std::mutex> lock(_state->mutex);
			++_state->seen.registrations;
			return sendJson(response, 201, R"({"client_id":"dyn-client","client_secret":"dyn-secret"})");
		}
		if (path == "/authorize") return authorize(uri, response);
		if (path == "/token") return token(request, response);
		sendJson(response, 404, "{}");
	}

private:
	void mcp(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
	{
		std::string body;
		Poco::StreamCopier::copyToString(request.stream(), body);
		std::string authorization = request.get("Authorization", "-");
		bool valid = false;
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			_state->seen.mcpAuthorizations.push_back(authorization);
			valid = authorization.compare(0, 7, "Bearer ") == 0 && _state->validTokens.count(authorization.substr(7));
		}
		if (!valid)
		{
			response.set("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\"" + _state->base + "/.well-known/oauth-protected-resource/mcp\"");
			return sendJson(response, 401, R"({"error":"invalid_token"})");
		}
		if (request.getMethod() != "POST") return sendJson(response, request.getMethod() == "GET" ? 405 : 200, "{}");
		Poco::JSON::Parser parser;
		Poco::JSON::Object::Ptr message = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
		std::string method = message->optValue<std::string>("method", "");
		if (!message->has("id"))
		{
			response.setStatus(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
			response.setContentLength(0);
			response.send();
			return;
		}
		std::string result = "{}";
		if (method == "initialize")
			result = R"({"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"fake-oauth","version":"1"}})";
		else if (method == "tools/list")
			result = R"({"tools":[{"name":"echo","inputSchema":{"type":"object"}}]})";
		std::ostringstream id;
		message->get("id").isString() ? id << '"' << message->get("id").toString() << '"' : id << message->get("id").toString();
		sendJson(response, 200, R"({"jsonrpc":"2.0","id":)" + id.str() + R"(,"result":)" + result + "}");
	}

	void authorize(const Poco::URI& uri, Poco::Net::HTTPServerResponse& response)
	{
		std::map<std::string, std::string> params;
		for (const auto& param: uri.getQueryParameters()) params[param.first] = param.second;
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			++_state->seen.authorizations;
			_state->challenge = params["code_challenge_method"] == "S256" ? params["code_challenge"] : std::string();
			_state->seen.resources.push_back(params["resource"]);
		}
		Poco::URI redirect(params["redirect_uri"]);
		redirect.addQueryParameter("code", "the-code");
		redirect.addQueryParameter("state", params["state"]);
		response.redirect(redirect.toString(), Poco::Net::HTTPResponse::HTTP_FOUND);
	}

	void token(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
	{
		Poco::Net::HTMLForm form(request, request.stream());
		std::string grant = form.get("grant_type", "");
		std::string basic = decodeBasic(request.get("Authorization", ""));
		std::lock_guard<std::mutex> lock(_state->mutex);
		_state->seen.grants.push_back(grant);
		_state->seen.tokenAuthorizations.push_back(request.get("Authorization", "-"));
		_state->seen.resources.push_back(form.get("resource", ""));
		bool ok = false;
		if (grant == "authorization_code")
		{
			bool pkce = !_state->challenge.empty() && Nash::Pkce::challenge(form.get("code_verifier", "")) == _state->challenge;
			if (!pkce) _state->seen.pkceMismatch = true;
			ok = pkce && form.get("code", "") == "the-code" && basic == "dyn-client:dyn-secret";
		}
		else if (grant == "client_credentials")
		{
			ok = basic == "cc-client:cc%20secret"; // form-encoded before base64 (RFC 6749 2.3.1)
		}
		else if (grant == "refresh_token")
		{
			ok = _state->validRefreshTokens.erase(form.get("refresh_token", "")) > 0;
		}
		if (!ok) return sendJson(response, 400, R"({"error":"invalid_grant"})");
		std::string access = "tok-" + std::to_string(++_state->issued);
		_state->validTokens.insert(access);
		std::string refresh;
		if (_state->refreshTokens)
		{
			refresh = "ref-" + std::to_string(_state->issued);
			_state->validRefreshTokens.insert(refresh);
		}
		sendJson(response, 200, R"({"access_token":")" + access + R"(","token_type":"Bearer","expires_in":3600)" +
			(refresh.empty() ? std::string() : R"(,"refresh_token":")" + refresh + "\"") + "}");
	}

	std::shared_ptr<FakeOAuthMcpServer::State> _state;
};


class Factory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	explicit Factory(std::shared_ptr<FakeOAuthMcpServer::State> state):
		_state(std::move(state))
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new Handler(_state);
	}

private:
	std::shared_ptr<FakeOAuthMcpServer::State> _state;
};


} // namespace


FakeOAuthMcpServer::FakeOAuthMcpServer(bool refreshTokens, const std::string& resourceOverride):
	_state(std::make_shared<State>())
{
	_state->refreshTokens = refreshTokens;
	_state->resourceOverride = resourceOverride;
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	_state->base = "http://127.0.0.1:" + std::to_string(socket.address().port());
	Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
	params->setMaxThreads(8);
	params->setKeepAlive(false);
	_server.reset(new Poco::Net::HTTPServer(new Factory(_state), socket, params));
	_server->start();
}


FakeOAuthMcpServer::~FakeOAuthMcpServer()
{
	_server->stopAll(true);
}


std::string FakeOAuthMcpServer::url() const
{
	return _state->base + "/mcp";
}


void FakeOAuthMcpServer::revokeTokens()
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	_state->validTokens.clear();
}


FakeOAuthMcpServer::Seen FakeOAuthMcpServer::seen() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->seen;
}


} // namespace NashTest
