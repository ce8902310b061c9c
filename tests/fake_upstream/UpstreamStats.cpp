//
// UpstreamStats.cpp
//


#include "UpstreamStats.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/ParseHandler.h"
#include "Poco/JSON/Parser.h"
#include <sstream>


namespace FakeUpstream {


namespace {


// The reset generation in which the current thread's connection was last
// counted; 0 for a connection that has carried no API request yet. Comparing
// generations makes a kept-alive connection count again after a reset.
thread_local unsigned long connectionGeneration = 0;


} // namespace


UpstreamStats::Scope::Scope(UpstreamStats& stats, const std::string& path, const Poco::Net::HTTPServerRequest& request, const std::string& body):
	_stats(stats)
{
	_stats.requestStarted(path, request.get("Authorization", ""), request.get("x-api-key", ""), body);
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


void UpstreamStats::requestStarted(const std::string& path, const std::string& authorization, const std::string& apiKey, const std::string& body)
{
	std::lock_guard<std::mutex> lock(_mutex);
	++_requests;
	++_open;
	if (connectionGeneration != _generation)
	{
		connectionGeneration = _generation;
		++_connectionsAccepted;
	}
	_lastPath = path;
	_lastAuthorization = authorization;
	_lastApiKey = apiKey;
	_lastBody = body;
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
	_failedOnce.clear();
}


std::string UpstreamStats::toJson() const
{
	Poco::JSON::Object stats(Poco::JSON_PRESERVE_KEY_ORDER);
	std::string body;
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
	}
	// A body that is not JSON (a test sending garbage) is shown as text.
	Poco::Dynamic::Var lastBody;
	if (!body.empty())
	{
		try
		{
			Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
			lastBody = parser.parse(body);
		}
		catch (Poco::Exception&)
		{
			lastBody = body;
		}
	}
	stats.set("last_body", lastBody);
	std::ostringstream out;
	stats.stringify(out);
	return out.str();
}


} // namespace FakeUpstream
