//
// RecordingSink.h
//


#ifndef NashTest_RecordingSink_INCLUDED
#define NashTest_RecordingSink_INCLUDED


#include "Nash/CancellationToken.h"
#include "Nash/ChatEventSink.h"
#include <string>
#include <vector>


namespace NashTest {


class RecordingSink: public Nash::ChatEventSink
	/// Keeps everything a backend hands over, in order. Optionally cancels a
	/// token on the first content, as a client that goes away mid-answer.
{
public:
	void content(const std::string& text) override
	{
		pieces.push_back(text);
		events.push_back("content");
		if (cancelOnContent) cancelOnContent->cancel();
	}

	void toolCallDelta(const Nash::ToolCallDelta& delta) override
	{
		toolCalls.push_back(delta);
		events.push_back("tool");
	}

	void usage(const Nash::Usage& counts) override
	{
		usages.push_back(counts);
		events.push_back("usage");
	}

	void finish(const std::string& reason) override
	{
		finishReasons.push_back(reason);
		events.push_back("finish");
	}

	std::string text() const
	{
		std::string joined;
		for (const auto& piece: pieces) joined += piece;
		return joined;
	}

	std::vector<std::string> pieces;
	std::vector<Nash::ToolCallDelta> toolCalls;
	std::vector<Nash::Usage> usages;
	std::vector<std::string> finishReasons;
	std::vector<std::string> events;
	Nash::CancellationToken* cancelOnContent = nullptr;
};


} // namespace NashTest


#endif // NashTest_RecordingSink_INCLUDED
