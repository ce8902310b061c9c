//
// OllamaDecoder.cpp
//


#include "OllamaDecoder.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/Exception.h"


using Cause = Nash::BackendException::Cause;


namespace Nash {


OllamaDecoder::OllamaDecoder(std::string provider, std::size_t maxLineBytes):
	_provider(provider),
	_parser([this](const std::string& text) { line(text); }, maxLineBytes),
	_stream(std::move(provider))
{
}


void OllamaDecoder::feed(const char* data, std::size_t size, ChatEventSink& sink)
{
	if (_stream.isComplete()) return;
	_sink = &sink;
	try
	{
		_parser.feed(data, size);
	}
	catch (Poco::DataFormatException& exc)
	{
		// A line beyond the bound: whatever follows cannot be trusted.
		throw BackendException(_provider + " sent an unusable stream: " + exc.message(), 0, Cause::Malformed);
	}
}


void OllamaDecoder::end(ChatEventSink& sink)
{
	_sink = &sink;
	// The final line may lack its newline.
	if (!_stream.isComplete()) _parser.finish();
	if (!_stream.isComplete())
		throw BackendException(_provider + " ended the stream before it was complete (no line with \"done\": true)", 0, Cause::Incomplete);
}


bool OllamaDecoder::isComplete() const
{
	return _stream.isComplete();
}


void OllamaDecoder::line(const std::string& text)
{
	// What follows the answer's end is not read, not even as JSON.
	if (_stream.isComplete()) return;
	Poco::JSON::Object::Ptr parsed = NashUpstream::JsonFields::parseObject(text);
	if (!parsed) throw BackendException(_provider + " sent data that is not a JSON object: " + NashUpstream::UpstreamError::snippet(text), 0, Cause::Malformed);
	_stream.handle(parsed, *_sink);
}


} // namespace Nash
