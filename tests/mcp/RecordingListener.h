//
// RecordingListener.h
//
// An McpTransportListener that keeps what a transport delivered, for tests
// of transports.
//


#ifndef NashTest_RecordingListener_INCLUDED
#define NashTest_RecordingListener_INCLUDED


#include "Nash/McpTransport.h"
#include "Poco/JSON/Object.h"
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>


namespace NashTest {


class RecordingListener: public Nash::McpTransportListener
{
public:
	void messageReceived(const std::string& message) override;
	void transportClosed(const std::string& reason) override;

	Poco::JSON::Object::Ptr waitForMessage(const std::function<bool(const Poco::JSON::Object::Ptr&)>& match, std::chrono::milliseconds timeout);
		/// The first message that matches, waiting for it; null after timeout.

	Poco::JSON::Object::Ptr waitForId(int id, std::chrono::milliseconds timeout);
		/// The answer to request id.

	bool waitForClose(std::chrono::milliseconds timeout);

	std::vector<std::string> messages() const;
	std::string closeReason() const;
	int closeCount() const;

private:
	mutable std::mutex _mutex;
	std::condition_variable _condition;
	std::vector<std::string> _messages;
	std::string _closeReason;
	int _closeCount = 0;
	bool _closedBeforeMessage = false;
};


} // namespace NashTest


#endif // NashTest_RecordingListener_INCLUDED
