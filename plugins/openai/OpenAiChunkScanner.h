//
// OpenAiChunkScanner.h
//


#ifndef Nash_OpenAiChunkScanner_INCLUDED
#define Nash_OpenAiChunkScanner_INCLUDED


#include "Poco/JSON/Handler.h"
#include "Poco/JSON/Parser.h"
#include "Poco/SharedPtr.h"
#include <string>
#include <vector>


namespace Nash {


class OpenAiChunkScanner
	/// Reads the common chat.completion.chunk (text in choices[0].delta.content,
	/// maybe a finish_reason) without building a JSON tree: streaming spends
	/// most of its time parsing chunks, and the tree of each was built only to
	/// be thrown away. A chunk with anything more (tool calls, usage, an error)
	/// is marked so that the caller parses it in full.
{
public:
	OpenAiChunkScanner();

	bool scan(const std::string& chunk);
		/// Scans one chunk. Returns true when content() and finishReason()
		/// tell all there is; false when the chunk needs a full parse.
		/// Throws Poco::Exception when the text is not JSON.

	const std::string& content() const;
	const std::string& finishReason() const;

private:
	class Handler: public Poco::JSON::Handler
		/// Follows the parser's events and keeps what the scanner reports.
	{
	public:
	void reset() override;
	void startObject() override;
	void endObject() override;
	void startArray() override;
	void endArray() override;
	void key(const std::string& k) override;
	void null() override;
	void value(int v) override;
	void value(unsigned v) override;
	void value(Poco::Int64 v) override;
	void value(Poco::UInt64 v) override;
	void value(const std::string& value) override;
	void value(double d) override;
	void value(bool b) override;

	struct Frame
	{
		std::string name;
		bool array = false;
		int nextIndex = 0;
	};

	std::string memberName();
		/// The name under which the coming value sits: the pending key, or
		/// the next index in an array.
	bool inFirstChoice(std::size_t depthBelowChoice) const;
	void scalar();

	std::vector<Frame> _frames;
	std::string _pendingKey;
	std::string _content;
	std::string _finishReason;
	bool _needsFullParse = false;
	bool _sawTopObject = false;
	};

	Poco::SharedPtr<Handler> _handler;
	Poco::JSON::Parser _parser;
};


} // namespace Nash


#endif // Nash_OpenAiChunkScanner_INCLUDED
