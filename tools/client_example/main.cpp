//
// main.cpp
//
// client_example: an interactive command line client of the LLM server, or
// one question answered when it is given on the command line.
//


#include "ChatClient.h"
#include "ConsoleChat.h"
#include "Poco/AutoPtr.h"
#include "Poco/String.h"
#include "Poco/Exception.h"
#include "Poco/URI.h"
#include "Poco/Util/Application.h"
#include "Poco/Util/HelpFormatter.h"
#include "Poco/Util/Option.h"
#include "Poco/Util/OptionCallback.h"
#include "Poco/Util/OptionException.h"
#include "Poco/Util/OptionSet.h"
#include <csignal>
#include <iostream>
#include <memory>


namespace {


const std::string DEFAULT_URL = "http://127.0.0.1:8001";


class ClientApplication: public Poco::Util::Application
{
public:
	ClientApplication()
	{
		setUnixOptions(true);
	}

protected:
	void defineOptions(Poco::Util::OptionSet& options) override
	{
		Poco::Util::Application::defineOptions(options);
		options.addOption(
			Poco::Util::Option("help", "h", "Show this help and exit.")
				.required(false)
				.repeatable(false)
				.callback(Poco::Util::OptionCallback<ClientApplication>(this, &ClientApplication::handleHelp)));
		options.addOption(
			Poco::Util::Option("url", "u", "Base URL of the LLM server (default " + DEFAULT_URL + ").")
				.required(false)
				.repeatable(false)
				.argument("URL")
				.callback(Poco::Util::OptionCallback<ClientApplication>(this, &ClientApplication::handleUrl)));
		options.addOption(
			Poco::Util::Option("model", "m", "Model to ask; \"backend/model\" picks a backend too (default: the server's default model).")
				.required(false)
				.repeatable(false)
				.argument("NAME")
				.callback(Poco::Util::OptionCallback<ClientApplication>(this, &ClientApplication::handleModel)));
	}

	int main(const ArgVec& args) override
	{
		if (_helpRequested)
		{
			displayHelp();
			return EXIT_OK;
		}

		std::unique_ptr<NashClient::ChatClient> client;
		try
		{
			client.reset(new NashClient::ChatClient(Poco::URI(_url)));
		}
		catch (Poco::Exception& exc)
		{
			std::cerr << "client_example: invalid --url: " << exc.message() << std::endl;
			return EXIT_USAGE;
		}
		client->setModel(_model);

		NashClient::ConsoleChat chat(*client, std::cin, std::cout, std::cerr);
		if (args.empty())
		{
			chat.runInteractive();
			return EXIT_OK;
		}

		std::string question;
		for (const auto& arg: args)
		{
			if (!question.empty()) question += ' ';
			question += arg;
		}
		if (Poco::trim(question).empty())
		{
			std::cerr << "client_example: the question is empty" << std::endl;
			return EXIT_USAGE;
		}
		switch (chat.ask(question))
		{
		case NashClient::ConsoleChat::ANSWERED:
			return EXIT_OK;
		case NashClient::ConsoleChat::UNREACHABLE:
			return EXIT_UNAVAILABLE;
		case NashClient::ConsoleChat::FAILED:
			break;
		}
		return EXIT_FAILURE_ANSWER;
	}

private:
	static const int EXIT_FAILURE_ANSWER = 1;

	void handleHelp(const std::string&, const std::string&)
	{
		_helpRequested = true;
		stopOptionsProcessing();
	}

	void handleUrl(const std::string&, const std::string& value)
	{
		_url = value;
	}

	void handleModel(const std::string&, const std::string& value)
	{
		_model = value;
	}

	void displayHelp()
	{
		Poco::Util::HelpFormatter helpFormatter(options());
		helpFormatter.setUnixStyle(true);
		helpFormatter.setCommand(commandName());
		helpFormatter.setUsage("[OPTIONS] [QUESTION...]");
		helpFormatter.setHeader(
			"A command line client of the LLM server.\n"
			"Without a question it starts an interactive chat: type a message and press Enter; "
			"'summarize' condenses the conversation, 'exit' or the end of input ends it.\n"
			"With a question it asks it once, prints the answer and exits.");
		helpFormatter.setFooter(
			"Exit codes: 0 success, 1 the server did not answer the question, "
			"64 usage error, 69 the server could not be reached.");
		helpFormatter.format(std::cout);
	}

	bool _helpRequested = false;
	std::string _url = DEFAULT_URL;
	std::string _model;
};


} // namespace


int main(int argc, char** argv)
{
#if defined(POCO_OS_FAMILY_UNIX)
	// A server that goes away while a request is written must show up as an
	// error to report, not end the client with SIGPIPE.
	std::signal(SIGPIPE, SIG_IGN);
#endif

	Poco::AutoPtr<ClientApplication> app = new ClientApplication;
	try
	{
		app->init(argc, argv);
	}
	catch (Poco::Util::OptionException& exc)
	{
		std::cerr << "client_example: " << exc.displayText() << "\nTry client_example --help." << std::endl;
		return Poco::Util::Application::EXIT_USAGE;
	}
	return app->run();
}
