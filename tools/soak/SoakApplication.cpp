//
// SoakApplication.cpp
//


#include "SoakApplication.h"
#include "LoadWorker.h"
#include "SoakReport.h"
#include "Poco/FileStream.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/NumberFormatter.h"
#include "Poco/NumberParser.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include "Poco/Thread.h"
#include "Poco/Util/HelpFormatter.h"
#include "Poco/Util/Option.h"
#include "Poco/Util/OptionSet.h"
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>


namespace NashSoak {


namespace {


using Clock = std::chrono::steady_clock;


double secondsSince(Clock::time_point start)
{
	return std::chrono::duration<double>(Clock::now() - start).count();
}


void pause(double seconds)
{
	std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}


std::string readFirstLine(const std::string& path)
{
	try
	{
		Poco::FileInputStream in(path);
		std::string line;
		std::getline(in, line);
		return Poco::trim(line);
	}
	catch (Poco::Exception&)
	{
		return std::string();
	}
}


Poco::JSON::Object::Ptr getHealth(const SoakSettings& settings)
	/// The server's /health answer; null when there is none.
{
	try
	{
		Poco::Net::HTTPClientSession session(settings.host, static_cast<Poco::UInt16>(settings.port));
		session.setTimeout(Poco::Timespan(5, 0));
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/health", Poco::Net::HTTPMessage::HTTP_1_1);
		session.sendRequest(request);
		Poco::Net::HTTPResponse response;
		std::istream& in = session.receiveResponse(response);
		std::string body;
		Poco::StreamCopier::copyToString(in, body);
		if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) return nullptr;
		return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
		return nullptr;
	}
}


} // namespace


void SoakApplication::defineOptions(Poco::Util::OptionSet& options)
{
	Poco::Util::Application::defineOptions(options);
	auto add = [&](const std::string& name, const std::string& description, const std::string& argument) {
		Poco::Util::Option option(name, "", description, false);
		if (!argument.empty()) option.argument(argument);
		options.addOption(option.repeatable(false));
	};
	add("help", "show the options", "");
	add("host", "server address (default 127.0.0.1)", "ADDR");
	add("port", "server port", "N");
	add("port-file", "read the server port from FILE (waits up to 20 s for it)", "FILE");
	add("pid", "the server's process id, for its memory, threads and descriptors", "PID");
	add("pid-file", "read the server's process id from FILE", "FILE");
	add("concurrency", "clients at once (default 64)", "N");
	add("seconds", "measured load in seconds, after the warm-up (default 180)", "S");
	add("warmup", "warm-up in seconds, checked but not measured (default 10)", "S");
	add("report-every", "seconds between progress lines and samples (default 10)", "S");
	add("timeout", "seconds a request may take to connect, send or receive (default 30)", "S");
	add("seed", "seed of the request mix (default 1)", "N");
	add("model", "an echo model without delay (default echo)", "NAME");
	add("slow-model", "an echo model with a delay between words (default slow)", "NAME");
	add("mcp-server", "the name of the demo MCP server (default demo)", "NAME");
	add("rss-margin-percent", "allowed RSS growth from the middle to the end, percent (default 10)", "P");
	add("rss-margin-mib", "allowed RSS growth from the middle to the end, MiB, if more than the percentage (default 16)", "M");
	add("json", "write the report as JSON to FILE", "FILE");
	add("markdown", "write the report's tables as markdown to FILE", "FILE");
}


void SoakApplication::handleOption(const std::string& name, const std::string& value)
{
	Poco::Util::Application::handleOption(name, value);
	if (name == "help")
	{
		_helpRequested = true;
		stopOptionsProcessing();
	}
	else if (name == "host") _settings.host = value;
	else if (name == "port") _settings.port = Poco::NumberParser::parse(value);
	else if (name == "port-file") _portFile = value;
	else if (name == "pid") _settings.pid = Poco::NumberParser::parse(value);
	else if (name == "pid-file") _pidFile = value;
	else if (name == "concurrency") _settings.concurrency = Poco::NumberParser::parse(value);
	else if (name == "seconds") _settings.seconds = Poco::NumberParser::parseFloat(value);
	else if (name == "warmup") _settings.warmupSeconds = Poco::NumberParser::parseFloat(value);
	else if (name == "report-every") _settings.reportSeconds = Poco::NumberParser::parseFloat(value);
	else if (name == "timeout") _settings.timeoutSeconds = Poco::NumberParser::parseFloat(value);
	else if (name == "seed") _settings.seed = Poco::NumberParser::parseUnsigned(value);
	else if (name == "model") _settings.model = value;
	else if (name == "slow-model") _settings.slowModel = value;
	else if (name == "mcp-server") _settings.mcpServer = value;
	else if (name == "rss-margin-percent") _settings.rssMarginPercent = Poco::NumberParser::parseFloat(value);
	else if (name == "rss-margin-mib") _settings.rssMarginMiB = Poco::NumberParser::parseFloat(value);
	else if (name == "json") _settings.jsonPath = value;
	else if (name == "markdown") _settings.markdownPath = value;
}


int SoakApplication::main(const std::vector<std::string>&)
{
	if (_helpRequested)
	{
		Poco::Util::HelpFormatter help(options());
		help.setCommand(commandName());
		help.setUsage("--port=N|--port-file=FILE [--pid=PID|--pid-file=FILE] [options]");
		help.setHeader("A bounded load of checked, mixed requests against nash-llm-server, with the server's memory sampled.");
		help.format(std::cout);
		return EXIT_OK;
	}
	resolveTarget();
	if (_settings.port <= 0 || _settings.concurrency <= 0 || _settings.seconds <= 0 || _settings.reportSeconds <= 0)
	{
		std::cerr << "soak_client: needs --port or --port-file, and positive --concurrency, --seconds and --report-every (--help)" << std::endl;
		return EXIT_USAGE;
	}
	if (!waitForServer(20))
	{
		std::cerr << "soak_client: no /health answer from " << _settings.host << ":" << _settings.port << " within 20 s" << std::endl;
		return EXIT_SOFTWARE;
	}
	ProcessProbe probe(_settings.pid);
	if (_settings.pid <= 0) std::cerr << "[soak] no server pid given: memory is not sampled, and the run cannot pass" << std::endl;

	std::vector<std::unique_ptr<LoadWorker>> workers;
	std::vector<std::unique_ptr<Poco::Thread>> threads;
	for (int i = 0; i < _settings.concurrency; ++i)
	{
		workers.emplace_back(new LoadWorker(_settings, _state, static_cast<unsigned>(i)));
		threads.emplace_back(new Poco::Thread("soak-" + std::to_string(i)));
		threads.back()->start(*workers.back());
	}

	std::cerr << "[soak] " << _settings.concurrency << " clients against " << _settings.host << ":" << _settings.port
		<< (_settings.pid > 0 ? ", server pid " + std::to_string(_settings.pid) : std::string()) << "; warm-up " << _settings.warmupSeconds << " s" << std::endl;
	std::vector<std::string> problems;
	auto warmupStart = Clock::now();
	while (secondsSince(warmupStart) < _settings.warmupSeconds && (_settings.pid <= 0 || probe.sample().alive)) pause(0.2);

	_state.measuring = true;
	auto start = Clock::now();
	printProgress(takeSample(probe, 0, "start"), 0);
	bool middleTaken = false;
	double nextReport = _settings.reportSeconds;
	bool serverGone = false;
	while (!serverGone)
	{
		double now = secondsSince(start);
		if (now >= _settings.seconds) break;
		if (!middleTaken && now >= _settings.seconds / 2)
		{
			printProgress(takeSample(probe, now, "middle"), now);
			middleTaken = true;
			while (nextReport <= now) nextReport += _settings.reportSeconds;
		}
		else if (now >= nextReport)
		{
			ProcessProbe::Sample s = takeSample(probe, now, "");
			printProgress(s, now);
			serverGone = _settings.pid > 0 && !s.alive;
			nextReport += _settings.reportSeconds;
		}
		pause(0.1);
	}
	double measured = secondsSince(start);
	ProcessProbe::Sample endSample = takeSample(probe, measured, "end");
	printProgress(endSample, measured);
	if (serverGone || (_settings.pid > 0 && !endSample.alive)) problems.push_back("the server process ended during the load");

	_state.stop = true;
	for (auto& thread: threads) thread->join();
	std::cerr << "[soak] clients stopped" << std::endl;

	if (problems.empty())
	{
		std::string afterLoad = checkServerAfterLoad();
		if (!afterLoad.empty()) problems.push_back(afterLoad);
		takeSample(probe, secondsSince(start), "after");
	}

	WorkerStats total;
	for (const auto& worker: workers) total.merge(worker->stats());
	SoakReport report(_settings, total, _samples, _state.errors.distinct(), _state.warmupRequests.load(), _state.warmupErrors.load(), measured);
	for (const auto& problem: problems) report.addFailure(problem);
	if (_settings.pid <= 0) report.addFailure("no server pid: memory not sampled");

	std::cout << report.toText() << std::flush;
	if (!_settings.jsonPath.empty())
	{
		std::ostringstream json;
		Poco::JSON::Stringifier::stringify(report.toJson(), json, 2);
		writeFile(_settings.jsonPath, json.str() + "\n");
	}
	if (!_settings.markdownPath.empty()) writeFile(_settings.markdownPath, report.toMarkdown());
	return report.passed() ? EXIT_OK : EXIT_SOFTWARE;
}


void SoakApplication::resolveTarget()
{
	// The server writes its port file once it accepts connections; it may
	// still be starting when we are.
	auto start = Clock::now();
	while (!_portFile.empty() && _settings.port <= 0 && secondsSince(start) < 20)
	{
		int port = 0;
		if (Poco::NumberParser::tryParse(readFirstLine(_portFile), port) && port > 0) _settings.port = port;
		else pause(0.1);
	}
	int pid = 0;
	if (!_pidFile.empty() && _settings.pid <= 0 && Poco::NumberParser::tryParse(readFirstLine(_pidFile), pid)) _settings.pid = pid;
}


bool SoakApplication::waitForServer(double seconds) const
{
	auto start = Clock::now();
	while (secondsSince(start) < seconds)
	{
		if (getHealth(_settings)) return true;
		pause(0.1);
	}
	return false;
}


std::string SoakApplication::checkServerAfterLoad() const
{
	// Every stream, the ones left in the middle too, must have been let go
	// of: a stream the server still counts as open after its client left is
	// a leak that RSS alone shows only slowly.
	auto start = Clock::now();
	Poco::JSON::Object::Ptr health;
	long long open = -1;
	while (secondsSince(start) < 10)
	{
		health = getHealth(_settings);
		open = health && health->has("open_streams") ? health->get("open_streams").convert<long long>() : -1;
		if (open == 0) break;
		pause(0.2);
	}
	if (!health) return "no /health answer after the load";
	if (open != 0) return "the server still counts " + std::to_string(open) + " open streams 10 s after the load";
	Poco::JSON::Array::Ptr servers = health->getArray("mcp_servers");
	for (std::size_t i = 0; servers && i < servers->size(); ++i)
	{
		Poco::JSON::Object::Ptr server = servers->getObject(static_cast<unsigned>(i));
		if (server && server->optValue<std::string>("name", "") == _settings.mcpServer)
		{
			if (server->optValue<bool>("connected", false)) return std::string();
			return "MCP server '" + _settings.mcpServer + "' is not connected after the load";
		}
	}
	return "MCP server '" + _settings.mcpServer + "' is not listed by /health";
}


ProcessProbe::Sample SoakApplication::takeSample(const ProcessProbe& probe, double seconds, const std::string& label)
{
	ProcessProbe::Sample sample = probe.sample();
	sample.seconds = seconds;
	sample.label = label;
	_samples.push_back(sample);
	return sample;
}


void SoakApplication::printProgress(const ProcessProbe::Sample& sample, double seconds) const
{
	std::uint64_t requests = _state.measuredRequests.load();
	std::cerr << "[soak] " << Poco::NumberFormatter::format(seconds, 0) << "/" << Poco::NumberFormatter::format(_settings.seconds, 0) << " s";
	if (!sample.label.empty()) std::cerr << " (" << sample.label << ")";
	std::cerr << ": " << requests << " requests";
	if (seconds > 0) std::cerr << " (" << Poco::NumberFormatter::format(requests / seconds, 0) << "/s)";
	std::cerr << ", " << _state.errors.count() << " errors";
	if (_settings.pid > 0)
	{
		if (sample.alive)
		{
			std::cerr << "; server RSS " << Poco::NumberFormatter::format(sample.rssKiB / 1024.0, 1) << " MiB, "
				<< sample.threads << " threads, " << sample.descriptors << " descriptors, MCP server RSS "
				<< Poco::NumberFormatter::format(sample.childrenRssKiB / 1024.0, 1) << " MiB";
		}
		else
		{
			std::cerr << "; server process gone";
		}
	}
	std::cerr << std::endl;
}


void SoakApplication::writeFile(const std::string& path, const std::string& text)
{
	Poco::FileOutputStream out(path);
	out << text;
}


} // namespace NashSoak
