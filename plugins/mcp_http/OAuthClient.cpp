//
// OAuthClient.cpp
//


#include "OAuthClient.h"
#include "ClientAssertion.h"
#include "OAuthDiscovery.h"
#include "OAuthScope.h"
#include "Pkce.h"
#include "WwwAuthenticate.h"
#include "Poco/Base64Encoder.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include <algorithm>
#include <cctype>
#include <sstream>


namespace Nash {


namespace {


const std::chrono::milliseconds HTTP_TIMEOUT(30000);
const std::size_t BODY_LIMIT = 1 << 20;
const std::chrono::seconds EXPIRY_MARGIN(30);


std::string formEncode(const std::string& value)
{
	static const char* const hex = "0123456789ABCDEF";
	std::string result;
	for (unsigned char c: value)
	{
		if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
		{
			result += static_cast<char>(c);
		}
		else
		{
			result += '%';
			result += hex[c >> 4];
			result += hex[c & 0x0F];
		}
	}
	return result;
}


std::string formBody(const std::map<std::string, std::string>& form)
{
	std::string body;
	for (const auto& field: form)
	{
		if (!body.empty()) body += '&';
		body += formEncode(field.first) + "=" + formEncode(field.second);
	}
	return body;
}


std::string basicCredentials(const std::string& clientId, const std::string& secret)
	/// RFC 6749 section 2.3.1: both parts form-encoded before base64.
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out);
	encoder.rdbuf()->setLineLength(0);
	encoder << formEncode(clientId) << ':' << formEncode(secret);
	encoder.close();
	return "Basic " + out.str();
}


std::vector<std::string> stringList(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	std::vector<std::string> result;
	Poco::JSON::Array::Ptr array = object ? object->getArray(key) : nullptr;
	if (!array) return result;
	for (std::size_t i = 0; i < array->size(); ++i)
	{
		Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
		if (item.isString()) result.push_back(item.toString());
	}
	return result;
}


bool contains(const std::vector<std::string>& list, const std::string& item)
{
	return std::find(list.begin(), list.end(), item) != list.end();
}


std::string oauthError(const std::string& what, int status, const std::string& body)
	/// The error and its description from an OAuth error answer; nothing
	/// else of the body, which might echo credentials.
{
	std::string text = what + " failed (HTTP " + std::to_string(status) + ")";
	try
	{
		Poco::JSON::Parser parser;
		Poco::JSON::Object::Ptr error = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
		if (error && error->has("error")) text += ": " + error->getValue<std::string>("error");
		if (error && error->has("error_description")) text += " (" + error->getValue<std::string>("error_description") + ")";
	}
	catch (Poco::Exception&)
	{
	}
	return text;
}


} // namespace


OAuthClient::OAuthClient(const std::string& serverName, const Poco::URI& server, const OAuthSettings& settings,
	SessionFactory sessions, std::shared_ptr<AuthorizationAgent> agent):
	_serverName(serverName),
	_server(server),
	_settings(settings),
	_sessions(std::move(sessions)),
	_agent(std::move(agent)),
	_logger(Poco::Logger::get("Nash.Mcp." + serverName))
{
}


OAuthClient::~OAuthClient()
{
}


void OAuthClient::setAgent(std::shared_ptr<AuthorizationAgent> agent)
{
	std::lock_guard<std::mutex> lock(_flowMutex);
	_agent = std::move(agent);
}


std::string OAuthClient::accessToken()
{
	{
		std::lock_guard<std::mutex> lock(_tokenMutex);
		if (_token.access.empty() || _token.refresh.empty() || std::chrono::steady_clock::now() < _token.expires) return _token.access;
	}
	// Expired with a refresh token. While another flow runs (possibly a
	// user at a browser), the old token goes out and its 401 waits there.
	std::unique_lock<std::mutex> flow(_flowMutex, std::try_to_lock);
	if (flow.owns_lock())
	{
		try
		{
			refresh();
		}
		catch (Poco::Exception& exc)
		{
			_logger.information("MCP server '%s': refreshing the access token failed: %s", _serverName, exc.displayText());
		}
	}
	std::lock_guard<std::mutex> lock(_tokenMutex);
	return _token.access;
}


void OAuthClient::setToken(const Token& token)
{
	std::lock_guard<std::mutex> lock(_tokenMutex);
	_token = token;
}


bool OAuthClient::challenge(int status, const std::string& wwwAuthenticate, const std::string& rejectedToken, int& attempts,
	bool interactive, const std::function<bool()>& cancelled, std::string& failure)
{
	WwwAuthenticate parsed = WwwAuthenticate::parse(wwwAuthenticate);
	bool stepUp = status == 403;
	failure.clear();
	if (stepUp && !parsed.insufficientScope()) return false; // a plain refusal: no token helps
	// Another scheme alone (Basic, Negotiate) is not ours to answer. No
	// header at all may still be a server of 2025-03-26.
	if (!wwwAuthenticate.empty() && !parsed.isBearer()) return false;

	std::lock_guard<std::mutex> flow(_flowMutex);
	if (cancelled && cancelled())
	{
		failure = "authorization given up";
		return false;
	}
	Token current;
	{
		std::lock_guard<std::mutex> lock(_tokenMutex);
		current = _token;
	}
	// Another request got a token meanwhile: try that one first.
	if (!current.access.empty() && current.access != rejectedToken)
	{
		if (!stepUp || OAuthScope::covers(current.scope, parsed.scope())) return true;
	}
	if (attempts >= MAX_ATTEMPTS)
	{
		failure = "the server still refuses after " + std::to_string(attempts) + " authorizations";
		return false;
	}
	++attempts;
	try
	{
		if (!stepUp && !rejectedToken.empty() && !current.refresh.empty() && rejectedToken == current.access)
		{
			try
			{
				if (refresh()) return true;
			}
			catch (Poco::Exception& exc)
			{
				_logger.information("MCP server '%s': refreshing the access token failed: %s", _serverName, exc.displayText());
			}
		}
		discover(parsed.resourceMetadata());
		std::string scope = stepUp ? OAuthScope::merge(current.scope, parsed.scope())
			: OAuthScope::select(parsed.scope(), _settings.scope, _scopesSupported);
		if (_settings.grant == OAuthSettings::CLIENT_CREDENTIALS)
		{
			clientCredentials(scope);
			return true;
		}
		if (!interactive)
		{
			failure = "the server asks for an authorization; the next request starts it";
			return false;
		}
		if (!authorizationCode(scope, cancelled))
		{
			failure = "authorization given up";
			return false;
		}
		return true;
	}
	catch (Poco::Exception& exc)
	{
		failure = exc.message().empty() ? exc.displayText() : exc.message();
		_logger.warning("MCP server '%s': authorization failed: %s", _serverName, failure);
		return false;
	}
}


void OAuthClient::discover(const std::string& resourceMetadataUrl)
{
	if (_discovered && resourceMetadataUrl == _metadataSource) return;
	_discovered = false;
	Poco::JSON::Object::Ptr prm;
	for (const auto& url: OAuthDiscovery::protectedResourceMetadataUrls(_server, resourceMetadataUrl))
	{
		prm = getJson(url);
		if (prm) break;
	}
	_scopesSupported.clear();
	_resource.clear();
	if (prm)
	{
		_legacy = false;
		std::string resource = prm->optValue<std::string>("resource", "");
		if (!resource.empty() && !OAuthDiscovery::resourceCovers(resource, _server))
			throw Poco::DataException("the protected resource metadata is for " + resource + ", not for this server");
		_resource = resource.empty() ? OAuthDiscovery::canonicalResource(_server) : resource;
		_scopesSupported = stringList(prm, "scopes_supported");
		std::vector<std::string> servers = stringList(prm, "authorization_servers");
		if (servers.empty()) throw Poco::DataException("the protected resource metadata names no authorization server");
		_issuer = Poco::URI(servers.front());
	}
	else
	{
		_legacy = true;
		_issuer = OAuthDiscovery::origin(_server);
	}
	_asMetadata = nullptr;
	for (const auto& url: OAuthDiscovery::authorizationServerMetadataUrls(_issuer))
	{
		_asMetadata = getJson(url);
		if (_asMetadata) break;
	}
	if (!_asMetadata && !_legacy)
		throw Poco::DataException("the authorization server " + _issuer.toString() + " publishes no metadata");
	if (_asMetadata && _asMetadata->has("issuer") && !_legacy)
	{
		// RFC 8414 section 3.3: the metadata must be the issuer's own.
		std::string issuer = _asMetadata->optValue<std::string>("issuer", "");
		auto strip = [](std::string s) { while (!s.empty() && s.back() == '/') s.pop_back(); return s; };
		if (strip(issuer) != strip(_issuer.toString()))
			_logger.warning("MCP server '%s': the authorization server's metadata names issuer %s, not %s", _serverName, issuer, _issuer.toString());
	}
	_metadataSource = resourceMetadataUrl;
	_discovered = true;
}


std::string OAuthClient::endpoint(const std::string& name, const std::string& fallbackPath) const
{
	if (_asMetadata)
	{
		std::string url = _asMetadata->optValue<std::string>(name, "");
		if (!url.empty()) return url;
		// Only the 2025-03-26 fallback invents endpoints the metadata lacks.
		if (name != "token_endpoint" && name != "authorization_endpoint") return std::string();
		if (!_legacy) return std::string();
	}
	Poco::URI url(OAuthDiscovery::origin(_issuer));
	url.setPath(fallbackPath);
	return url.toString();
}


void OAuthClient::ensureClient()
{
	if (!_settings.clientId.empty())
	{
		_clientId = _settings.clientId;
		_clientSecret = _settings.clientSecret;
		_registeredAuthMethod.clear();
		return;
	}
	std::string issuer = _issuer.toString();
	if (!_clientId.empty() && _clientIssuer == issuer) return;
	_clientId.clear();
	_clientSecret.clear();
	_registeredAuthMethod.clear();
	if (!_settings.clientMetadataUrl.empty() && _asMetadata && _asMetadata->optValue<bool>("client_id_metadata_document_supported", false))
	{
		_clientId = _settings.clientMetadataUrl;
		_registeredAuthMethod = "none";
		_clientIssuer = issuer;
		return;
	}
	std::string registration = endpoint("registration_endpoint", "/register");
	if (registration.empty())
		throw Poco::DataException("the authorization server offers no client registration; configure oauth.client_id");

	Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
	request->set("client_name", _settings.clientName);
	Poco::JSON::Array::Ptr redirects = new Poco::JSON::Array;
	redirects->add(_settings.redirectUri);
	request->set("redirect_uris", redirects);
	Poco::JSON::Array::Ptr grants = new Poco::JSON::Array;
	grants->add(std::string("authorization_code"));
	grants->add(std::string("refresh_token"));
	request->set("grant_types", grants);
	Poco::JSON::Array::Ptr responses = new Poco::JSON::Array;
	responses->add(std::string("code"));
	request->set("response_types", responses);
	request->set("token_endpoint_auth_method", tokenAuthMethod());
	std::ostringstream body;
	request->stringify(body);

	HttpResult result = post(Poco::URI(registration), "application/json", body.str(), std::string());
	if (result.status != 200 && result.status != 201) throw Poco::IOException(oauthError("client registration", result.status, result.body));
	Poco::JSON::Parser parser;
	Poco::JSON::Object::Ptr answer = parser.parse(result.body).extract<Poco::JSON::Object::Ptr>();
	_clientId = answer->optValue<std::string>("client_id", "");
	if (_clientId.empty()) throw Poco::DataException("the client registration answer has no client_id");
	_clientSecret = answer->optValue<std::string>("client_secret", "");
	_registeredAuthMethod = answer->optValue<std::string>("token_endpoint_auth_method", "");
	_clientIssuer = issuer;
	_logger.information("MCP server '%s': registered client %s with %s", _serverName, _clientId, registration);
}


std::string OAuthClient::tokenAuthMethod() const
	/// What the settings say; else what registration agreed; else the first
	/// the server supports that our credentials allow (RFC 8414 makes
	/// client_secret_basic the default of servers that do not say).
{
	if (!_settings.tokenEndpointAuthMethod.empty()) return _settings.tokenEndpointAuthMethod;
	if (!_registeredAuthMethod.empty()) return _registeredAuthMethod;
	std::vector<std::string> supported = stringList(_asMetadata, "token_endpoint_auth_methods_supported");
	if (supported.empty()) supported.push_back("client_secret_basic");
	bool registered = !_clientId.empty();
	bool haveSecret = !_clientSecret.empty() || (!registered && _settings.clientId.empty());
	if (!_settings.privateKeyPem.empty() && contains(supported, "private_key_jwt")) return "private_key_jwt";
	if (haveSecret && contains(supported, "client_secret_basic")) return "client_secret_basic";
	if (haveSecret && contains(supported, "client_secret_post")) return "client_secret_post";
	if (contains(supported, "none")) return "none";
	if (!_settings.privateKeyPem.empty()) return "private_key_jwt";
	return haveSecret ? "client_secret_basic" : "none";
}


void OAuthClient::requestToken(std::map<std::string, std::string> form, const std::string& requestedScope)
{
	std::string tokenUrl = endpoint("token_endpoint", "/token");
	if (tokenUrl.empty()) throw Poco::DataException("the authorization server's metadata names no token endpoint");
	std::string method = tokenAuthMethod();
	std::string authorization;
	if (method == "client_secret_basic" && !_clientSecret.empty())
	{
		authorization = basicCredentials(_clientId, _clientSecret);
	}
	else if (method == "client_secret_post" && !_clientSecret.empty())
	{
		form["client_id"] = _clientId;
		form["client_secret"] = _clientSecret;
	}
	else if (method == "private_key_jwt")
	{
		if (_settings.privateKeyPem.empty()) throw Poco::InvalidArgumentException("private_key_jwt needs oauth.private_key_file");
		std::string audience = _asMetadata ? _asMetadata->optValue<std::string>("issuer", _issuer.toString()) : _issuer.toString();
		form["client_assertion_type"] = ClientAssertion::TYPE;
		form["client_assertion"] = ClientAssertion::create(_clientId, audience, _settings.privateKeyPem, _settings.signingAlgorithm);
	}
	else
	{
		form["client_id"] = _clientId;
	}
	if (!_resource.empty()) form["resource"] = _resource;

	HttpResult result = post(Poco::URI(tokenUrl), "application/x-www-form-urlencoded", formBody(form), authorization);
	if (result.status != 200) throw Poco::IOException(oauthError("the token request", result.status, result.body));
	Poco::JSON::Parser parser;
	Poco::JSON::Object::Ptr answer;
	try
	{
		answer = parser.parse(result.body).extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
		throw Poco::DataException("the token endpoint's answer is not a JSON object");
	}
	Token token;
	token.access = answer->optValue<std::string>("access_token", "");
	if (token.access.empty()) throw Poco::DataException("the token endpoint's answer has no access_token");
	std::string type = Poco::toLower(answer->optValue<std::string>("token_type", "bearer"));
	if (type != "bearer") throw Poco::DataException("the token endpoint gave a token of type " + type + ", not Bearer");
	token.refresh = answer->optValue<std::string>("refresh_token", "");
	if (token.refresh.empty() && form["grant_type"] == "refresh_token") token.refresh = form["refresh_token"];
	// RFC 6749 section 5.1: no scope in the answer means the one requested.
	token.scope = answer->optValue<std::string>("scope", requestedScope);
	if (answer->has("expires_in"))
	{
		double seconds = 0;
		try
		{
			seconds = answer->get("expires_in").convert<double>();
		}
		catch (Poco::Exception&)
		{
		}
		if (seconds > 0)
		{
			auto lifetime = std::chrono::seconds(static_cast<long long>(seconds));
			token.expires = std::chrono::steady_clock::now() + (lifetime > 2 * EXPIRY_MARGIN ? lifetime - EXPIRY_MARGIN : lifetime);
		}
	}
	setToken(token);
	_logger.information("MCP server '%s': access token obtained (%s)%s", _serverName, form["grant_type"],
		token.scope.empty() ? std::string() : ", scope " + token.scope);
}


bool OAuthClient::authorizationCode(const std::string& scope, const std::function<bool()>& cancelled)
{
	if (_settings.redirectUri.empty())
		throw Poco::InvalidArgumentException("the server requires authorization; configure oauth.redirect_uri (or oauth.grant = client_credentials)");
	if (!_agent) throw Poco::IllegalStateException("no authorization agent");
	ensureClient();
	std::vector<std::string> methods = stringList(_asMetadata, "code_challenge_methods_supported");
	if (_asMetadata && _asMetadata->has("code_challenge_methods_supported") && !contains(methods, "S256"))
		throw Poco::DataException("the authorization server does not support PKCE with S256");
	std::string authorizationUrl = endpoint("authorization_endpoint", "/authorize");
	if (authorizationUrl.empty()) throw Poco::DataException("the authorization server's metadata names no authorization endpoint");

	auto now = std::chrono::steady_clock::now();
	if (_pending.url.empty() || _pending.scope != scope || now >= _pending.expires)
	{
		Pending pending;
		pending.verifier = Pkce::newVerifier();
		pending.state = Pkce::randomToken(16);
		pending.scope = scope;
		pending.expires = now + _settings.authorizationTimeout;
		Poco::URI url(authorizationUrl);
		url.addQueryParameter("response_type", "code");
		url.addQueryParameter("client_id", _clientId);
		url.addQueryParameter("redirect_uri", _settings.redirectUri);
		url.addQueryParameter("code_challenge", Pkce::challenge(pending.verifier));
		url.addQueryParameter("code_challenge_method", "S256");
		url.addQueryParameter("state", pending.state);
		if (!scope.empty()) url.addQueryParameter("scope", scope);
		if (!_resource.empty()) url.addQueryParameter("resource", _resource);
		pending.url = url.toString();
		_pending = pending;
	}

	AuthorizationAgent::Request request;
	request.serverName = _serverName;
	request.authorizationUrl = Poco::URI(_pending.url);
	request.redirectUri = Poco::URI(_settings.redirectUri);
	request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(_pending.expires - now);
	request.sessions = _sessions;
	request.cancelled = cancelled;
	std::string redirect = _agent->authorize(request);
	if (redirect.empty()) return false;

	Pending pending = _pending;
	_pending = Pending();
	std::map<std::string, std::string> params;
	for (const auto& param: Poco::URI(redirect).getQueryParameters()) params[param.first] = param.second;
	if (params.count("error"))
		throw Poco::IOException("the authorization was refused: " + params["error"] +
			(params.count("error_description") ? " (" + params["error_description"] + ")" : std::string()));
	if (params["state"] != pending.state) throw Poco::DataException("the authorization's answer has the wrong state");
	if (params["code"].empty()) throw Poco::DataException("the authorization's answer has no code");

	std::map<std::string, std::string> form;
	form["grant_type"] = "authorization_code";
	form["code"] = params["code"];
	form["redirect_uri"] = _settings.redirectUri;
	form["code_verifier"] = pending.verifier;
	requestToken(form, scope);
	return true;
}


void OAuthClient::clientCredentials(const std::string& scope)
{
	_clientId = _settings.clientId;
	_clientSecret = _settings.clientSecret;
	_registeredAuthMethod.clear();
	std::map<std::string, std::string> form;
	form["grant_type"] = "client_credentials";
	if (!scope.empty()) form["scope"] = scope;
	requestToken(form, scope);
}


bool OAuthClient::refresh()
{
	Token current;
	{
		std::lock_guard<std::mutex> lock(_tokenMutex);
		current = _token;
	}
	if (current.refresh.empty() || !_discovered || _clientId.empty()) return false;
	std::map<std::string, std::string> form;
	form["grant_type"] = "refresh_token";
	form["refresh_token"] = current.refresh;
	try
	{
		requestToken(form, current.scope);
	}
	catch (Poco::Exception&)
	{
		// A refresh token the server no longer takes is worth nothing.
		std::lock_guard<std::mutex> lock(_tokenMutex);
		_token.refresh.clear();
		throw;
	}
	return true;
}


Poco::JSON::Object::Ptr OAuthClient::getJson(const Poco::URI& uri)
	/// The document, or null when the URL has none (any error status, a
	/// connection failure, a body that is no JSON object).
{
	try
	{
		auto session = _sessions(uri, HTTP_TIMEOUT);
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc().empty() ? "/" : uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
		request.set("Accept", "application/json");
		session->sendRequest(request);
		Poco::Net::HTTPResponse response;
		std::istream& in = session->receiveResponse(response);
		if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
		{
			in.ignore(BODY_LIMIT);
			_logger.debug("MCP server '%s': no metadata at %s (HTTP %d)", _serverName, uri.toString(), static_cast<int>(response.getStatus()));
			return nullptr;
		}
		std::string body;
		Poco::StreamCopier::copyToString(in, body);
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(body);
		if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
		return parsed.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception& exc)
	{
		_logger.debug("MCP server '%s': no metadata at %s: %s", _serverName, uri.toString(), exc.displayText());
		return nullptr;
	}
}


OAuthClient::HttpResult OAuthClient::post(const Poco::URI& uri, const std::string& contentType, const std::string& body, const std::string& authorization)
{
	auto session = _sessions(uri, HTTP_TIMEOUT);
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc().empty() ? "/" : uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
	request.setContentType(contentType);
	request.set("Accept", "application/json");
	if (!authorization.empty()) request.set("Authorization", authorization);
	request.setContentLength(static_cast<std::streamsize>(body.size()));
	std::ostream& out = session->sendRequest(request);
	out.write(body.data(), static_cast<std::streamsize>(body.size()));
	out.flush();
	Poco::Net::HTTPResponse response;
	std::istream& in = session->receiveResponse(response);
	HttpResult result;
	result.status = response.getStatus();
	std::vector<char> buffer(BODY_LIMIT);
	in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
	result.body.assign(buffer.data(), static_cast<std::size_t>(in.gcount()));
	return result;
}


} // namespace Nash
