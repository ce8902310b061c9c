//
// LoadWorker.h
//
// One client of the soak run: a loop of checked requests over one
// keep-alive connection.
//


#ifndef NashSoak_LoadWorker_INCLUDED
#define NashSoak_LoadWorker_INCLUDED


#include "RequestKind.h"
#include "RunState.h"
#include "SoakSettings.h"
#include "WorkerStats.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Runnable.h"
#include <cstdint>
#include <memory>
#include <random>
#include <string>


namespace NashSoak {


class LoadWorker: public Poco::Runnable
	/// Until the run stops, picks a request kind at random by the mix's
	/// weights, sends it and checks the answer against the wire contract.
	/// A check that fails, an unexpected status, a connection that fails or
	/// a timeout is an error; the connection is then dropped and the next
	/// request opens a new one. Leaving a stream on purpose and getting the
	/// documented 4xx for a bad request are not errors.
{
public:
	LoadWorker(const SoakSettings& settings, RunState& state, unsigned index);

	void run() override;

	const WorkerStats& stats() const;

private:
	struct Answer
	{
		int status = 0;
		std::string contentType;
		std::string body;
	};

	RequestKind pickKind();
	void perform(RequestKind kind);
	void stream(const std::string& model, int minWords, int maxWords, bool leave);
	void summarize();
	void mcpListTools();
	void mcpEcho();
	void mcpAdd();
	void health();
	void badJson();
	void notFound();

	Answer exchange(const std::string& method, const std::string& path, const std::string& body);
	Poco::JSON::Object::Ptr jsonAnswer(const Answer& answer, int expectedStatus) const;
	Poco::JSON::Object::Ptr mcpCall(const std::string& method, const Poco::JSON::Object::Ptr& arguments);
	Poco::Net::HTTPClientSession& session();
	void dropSession();

	std::string words(int minWords, int maxWords);
	std::string sessionIdToSend();
	Poco::JSON::Array::Ptr history(int turns, bool withSystem);
	int uniform(int low, int high);
	bool chance(double probability);

	const SoakSettings& _settings;
	RunState& _state;
	unsigned _index;
	std::mt19937 _random;
	std::unique_ptr<Poco::Net::HTTPClientSession> _session;
	bool _closeAfter = false;
	std::uint64_t _sequence = 0;
	WorkerStats _stats;
};


} // namespace NashSoak


#endif // NashSoak_LoadWorker_INCLUDED
