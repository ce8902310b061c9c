//
// UpstreamStats.cpp
//


#include "UpstreamStats.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/ParseHandler.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/String.h"
#include <sstream>
#include <vector>


namespace FakeUpstream {


namespace {


// The reset generation in which the current thread's connection was last
// counted; 0 for a connection that has carried no API request yet. Comparing
// generations makes a kept-alive connection count again after a reset.
thread_local unsigned long connectionGeneration = 0;


Poco::Dynamic::Var parsedBody(const std::string& body)
	/// body parsed (keys in their order), its text when it is not JSON (a
	/// test sending garbage), null when empty.
{
	if (body.empty()) return Poco::Dynamic::Var();
	try
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		return parser.parse(body);
	}
	catch (Poco::Exception&)
	{
		return body;
	}
}


} // namespace


const std::size_t UpstreamStats::bodiesKept = 20;


UpstreamStats::Scope::Scope(UpstreamStats& stats, const std::string& path, const Poco::Net::HTTPServerRequest& request, const std::string& body):
	_stats(stats)
{
	_stats.requestStarted(path, request, body);
}


UpstreamStats::Scope::~Scope()
{
	_stats.requestEnded();
}


UpstreamStats::UpstreamStats()
{
}


void UpstreamStats::beginConnection()
{
	connectionGeneration = 0;
}


void UpstreamStats::connectionAccepted()
{
	std::lock_guard<std::mutex> lock(_mutex);
	++_connectionsTotal;
}


void UpstreamStats::requestStarted(const std::string& path, const Poco::Net::HTTPRequest& request, const std::string& body)
{
	std::map<std::string, std::string> headers;
	for (const auto& header: request)
	{
		std::string& value = headers[Poco::toLower(header.first)];
		if (!value.empty()) value += ", ";
		value += header.second;
	}
	std::lock_guard<std::mutex> lock(_mutex);
	++_requests;
	++_open;
	if (connectionGeneration != _generation)
	{
		connectionGeneration = _generation;
		++_connectionsAccepted;
	}
	_lastPath = path;
	_lastAuthorization = request.get("Authorization", "");
	_lastApiKey = request.get("x-api-key", "");
	_lastBody = body;
	_lastHeaders.swap(headers);
	_bodies.push_back(body);
	if (_bodies.size() > bodiesKept) _bodies.pop_front();
}


void UpstreamStats::requestEnded()
{
	std::lock_guard<std::mutex> lock(_mutex);
	--_open;
}


void UpstreamStats::clientClosed()
{
	std::lock_guard<std::mutex> lock(_mutex);
	++_clientClosed;
}


bool UpstreamStats::firstTime(const std::string& model)
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _failedOnce.insert(model).second;
}


void UpstreamStats::reset()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_requests = 0;
	_clientClosed = 0;
	_connectionsAccepted = 0;
	_connectionsTotal = 0;
	++_generation;
	_lastAuthorization.clear();
	_lastApiKey.clear();
	_lastBody.clear();
	_lastPath.clear();
	_lastHeaders.clear();
	_bodies.clear();
	_failedOnce.clear();
}


std::string UpstreamStats::toJson() const
{
	Poco::JSON::Object stats(Poco::JSON_PRESERVE_KEY_ORDER);
	std::string body;
	std::map<std::string, std::string> headers;
	std::vector<std::string> bodies;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		stats.set("requests", _requests);
		stats.set("open", _open);
		stats.set("client_closed", _clientClosed);
		stats.set("connections_accepted", _connectionsAccepted);
		stats.set("connections_total", _connectionsTotal);
		stats.set("last_authorization", _lastAuthorization);
		stats.set("last_x_api_key", _lastApiKey);
		stats.set("last_path", _lastPath);
		body = _lastBody;
		headers = _lastHeaders;
		bodies.assign(_bodies.begin(), _bodies.end());
	}
	// Parsed outside the lock: the bodies of a long tool loop are large.
	stats.set("last_body", parsedBody(body));
	Poco::JSON::Array::Ptr parsedBodies = new Poco::JSON::Array;
	for (const auto& text: bodies) parsedBodies->add(parsedBody(text));
	stats.set("bodies", parsedBodies);
	Poco::JSON::Object::Ptr seen = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const auto& header: headers) seen->set(header.first, header.second);
	stats.set("headers_seen", seen);
	std::ostringstream out;
	stats.stringify(out);
	return out.str();
}


} // namespace FakeUpstream
