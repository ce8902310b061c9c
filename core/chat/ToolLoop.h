//
// ToolLoop.h
//
// The stage of the chat pipeline that lets a model call tools.
//


#ifndef Nash_ToolLoop_INCLUDED
#define Nash_ToolLoop_INCLUDED


#include "core/chat/ToolBox.h"
#include "core/chat/ToolLoopListener.h"
#include "core/metrics/RequestMeter.h"
#include "Nash/BlockingBackend.h"
#include "Poco/JSON/Array.h"
#include <string>


namespace Nash {


struct ToolLoopSettings
{
	int maxRounds = 25;
		/// Model calls per request; a model still calling tools then ends
		/// the request with ToolLoopLimitExceeded.
	double maxWaitSeconds = 60;
		/// The longest rate-limit pause between rounds; 0: never pause.
	bool oneToolPerAnswer = false;
		/// Asks the model for one tool call per answer (the Nash app shows
		/// one tool per bubble).
	bool shortenOldResults = false;
		/// Shortens every tool result but the last message's before each
		/// round and in the new messages (the Nash app's history).
	std::size_t keptResultCharacters = 5000;
	RequestMeter* meter = nullptr;
		/// Where the rounds' waits on the model and the tools are added.
	std::string dialect;
		/// The dialect the rounds are counted under in the metrics.
};


struct ToolLoopResult
{
	Poco::JSON::Array::Ptr newMessages;
		/// What the loop added to the conversation, in the shapes of OpenAI
		/// (assistant with tool_calls, tool, assistant).
	std::string finishReason;
		/// How the last round ended.
	std::string errorClass;
	std::string errorMessage;
		/// Set when the loop stopped before the model finished
		/// (ToolLoopLimitExceeded, OutputLimitExceeded); then no new
		/// messages are reported.
	int rounds = 0;
};


class ToolLoop
	/// Runs rounds: the model answers (streamed to the listener); when it
	/// called tools, they run through the tool box, their results are added
	/// to the conversation and the model answers again, until it stops
	/// calling tools, the round limit is reached or the request is
	/// cancelled (the client left: no further call of tool or model).
{
public:
	explicit ToolLoop(const ToolLoopSettings& settings);

	ToolLoopResult run(BlockingBackend& backend, ChatRequest& request, ToolBox* tools, ToolLoopListener& listener, CancellationToken& cancellation);
		/// request.messages grows by the loop's messages. tools may be null
		/// or empty: one round without tools. A backend's failure is thrown
		/// (BackendException ...) as from streamChat().

	static std::string shortened(const std::string& text, std::size_t keptCharacters);
		/// text cut to keptCharacters code points with a note that the
		/// model should run the tool again for the rest; unchanged when not
		/// longer. Applying it twice gives the same text.

	static void shortenOldResults(std::vector<ChatMessage>& messages, std::size_t keptCharacters);
		/// Shortens the string content of every tool message but the last
		/// message.

	static Poco::JSON::Array::Ptr toolsJson(const std::vector<ToolDefinition>& tools);
		/// Tools in OpenAI's form, which every backend takes.

private:
	ToolLoopSettings _settings;
};


} // namespace Nash


#endif // Nash_ToolLoop_INCLUDED
