//
// TestBackends.h
//
// Small in-process backends for the unit tests of routing and summarizing.
//


#ifndef Nash_TestBackends_INCLUDED
#define Nash_TestBackends_INCLUDED


#include "Nash/BackendException.h"
#include "Nash/BlockingBackend.h"


namespace NashTest {


class ScriptedBackend: public Nash::BlockingBackend
	/// Lists the models it is given and answers complete() with a fixed text
	/// (or throws), remembering the last request.
{
public:
	ScriptedBackend(std::vector<std::string> models, bool anyModel = false):
		_models(std::move(models)),
		_anyModel(anyModel)
	{
	}

	void configure(const std::string&, const Poco::Util::AbstractConfiguration&) override
	{
	}

	std::vector<std::string> models() const override
	{
		return _models;
	}

	std::string defaultModel() const override
	{
		return _models.front();
	}

	bool acceptsAnyModel() const override
	{
		return _anyModel;
	}

	void streamChat(const Nash::ChatRequest&, Nash::ChatEventSink& sink, const Nash::CancellationToken&) override
	{
		sink.content(answer);
	}

	Nash::ChatResult complete(const Nash::ChatRequest& request, const Nash::CancellationToken&) override
	{
		lastRequest = request;
		if (!failure.empty()) throw Nash::BackendException(failure);
		Nash::ChatResult result;
		result.content = answer;
		return result;
	}

	std::string answer = "the answer";
	std::string failure;
	Nash::ChatRequest lastRequest;

private:
	std::vector<std::string> _models;
	bool _anyModel;
};


} // namespace NashTest


#endif // Nash_TestBackends_INCLUDED
