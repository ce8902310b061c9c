//
// ScriptedTransport.h
//
// An in-memory McpTransport for the tests: records what the client sends,
// answers through a script, and delivers or closes on the test's command.
//


#ifndef NashTest_ScriptedTransport_INCLUDED
#define NashTest_ScriptedTransport_INCLUDED


#include "Nash/McpTransport.h"
#include "Poco/JSON/Object.h"
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>


namespace NashTest {


class ScriptedTransport: public Nash::McpTransport
	/// The script is called (on the sending thread) for every message the
	/// client sends; it may answer at once with reply()/deliver(). Messages
	/// can also be delivered later from the test's thread.
{
public:
	using Script = std::function<void(ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)>;

	struct State
		/// Shared with the test, which keeps it after the manager took the
		/// transport.
	{
		std::mutex mutex;
		std::condition_variable condition;
		std::vector<Poco::JSON::Object::Ptr> sent;
		int starts = 0;
		int stops = 0;
		bool open = false;
		std::string protocolVersion;
		std::string startError;
			/// When not empty, start() throws Poco::IOException with it.
		std::map<std::string, std::string> section;
			/// What configure() was given (key -> value).
	};

	explicit ScriptedTransport(Script script, std::shared_ptr<State> state = std::make_shared<State>());

	void configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section) override;
	void start(Nash::McpTransportListener& listener) override;
	void send(const std::string& message) override;
	void stop() override;
	bool isOpen() const override;
	void setProtocolVersion(const std::string& version) override;

	std::shared_ptr<State> state() const;

	void deliver(const std::string& json);
		/// Hands a message to the listener as if the server sent it.

	void reply(const Poco::JSON::Object::Ptr& request, const Poco::Dynamic::Var& result);
		/// Answers request with {"result": result}.

	void replyError(const Poco::JSON::Object::Ptr& request, int code, const std::string& message);

	void closeFromPeer(const std::string& reason);
		/// The server went away: transportClosed() on the listener.

	Poco::JSON::Object::Ptr waitForSent(const std::function<bool(const Poco::JSON::Object::Ptr&)>& match, std::chrono::milliseconds timeout);
		/// The first sent message that matches, waiting for it; null when
		/// none came in time.

	Poco::JSON::Object::Ptr waitForMethod(const std::string& method, std::chrono::milliseconds timeout);

	std::vector<Poco::JSON::Object::Ptr> sentWithMethod(const std::string& method) const;

	static Script server(const std::string& version, const std::string& capabilitiesJson,
		std::function<bool(ScriptedTransport&, const Poco::JSON::Object::Ptr&)> more = nullptr);
		/// A script that answers initialize with version and the given
		/// capabilities, and ping; every other message goes to more, which
		/// returns false when it does not handle it (then nothing answers).

	static Poco::JSON::Object::Ptr parse(const std::string& json);

private:
	Script _script;
	std::shared_ptr<State> _state;
	Nash::McpTransportListener* _listener = nullptr;
};


} // namespace NashTest


#endif // NashTest_ScriptedTransport_INCLUDED
