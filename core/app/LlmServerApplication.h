//
// LlmServerApplication.h
//


#ifndef Nash_LlmServerApplication_INCLUDED
#define Nash_LlmServerApplication_INCLUDED


#include "core/http/HttpServer.h"
#include "core/app/ServerContext.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/MapConfiguration.h"
#include "Poco/Util/ServerApplication.h"
#include <string>


namespace Nash {


class LlmServerApplication: public Poco::Util::ServerApplication
	/// The llm_server program: reads its configuration (an ini file, the
	/// built-in defaults, command-line overrides), loads the plugins, creates
	/// the backends and serves HTTP until asked to stop. Runs in the
	/// foreground, as a Unix daemon (--daemon) or as a Windows service.
{
public:
	LlmServerApplication();

protected:
	void defineOptions(Poco::Util::OptionSet& options) override;
	void initialize(Poco::Util::Application& self) override;
	int main(const ArgVec& args) override;

private:
	void handleHelp(const std::string& name, const std::string& value);
	void handleConfig(const std::string& name, const std::string& value);
	void handleOverride(const std::string& name, const std::string& value);

	static Poco::AutoPtr<Poco::Util::MapConfiguration> builtInDefaults();
	void stopGracefully(HttpServer& server, ServerContext& context, int graceSeconds);
		/// Stops accepting, lets open streams finish within the grace
		/// period, then ends the rest with an error event and closes.

	bool _helpRequested = false;
	bool _exitWithParent = false;
	bool _mcpStdio = false;
	std::string _configFile;
	std::string _configError;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _overrides;
};


} // namespace Nash


#endif // Nash_LlmServerApplication_INCLUDED
