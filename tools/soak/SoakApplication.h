//
// SoakApplication.h
//
// The soak client's command line and the course of a run.
//


#ifndef NashSoak_SoakApplication_INCLUDED
#define NashSoak_SoakApplication_INCLUDED


#include "ProcessProbe.h"
#include "RunState.h"
#include "SoakSettings.h"
#include "Poco/Util/Application.h"
#include <string>
#include <vector>


namespace NashSoak {


class SoakApplication: public Poco::Util::Application
	/// Waits for the server, starts the workers, lets them warm up, measures
	/// for the given time while sampling the server process, stops the
	/// workers, checks that the server let go of every stream, and reports.
	/// Exit code 0: passed; 70 (EX_SOFTWARE): failed; 64 (EX_USAGE): bad usage.
{
protected:
	void defineOptions(Poco::Util::OptionSet& options) override;
	void handleOption(const std::string& name, const std::string& value) override;
	int main(const std::vector<std::string>& arguments) override;

private:
	void resolveTarget();
	bool waitForServer(double seconds) const;
	std::string checkServerAfterLoad() const;
	ProcessProbe::Sample takeSample(const ProcessProbe& probe, double seconds, const std::string& label);
	void printProgress(const ProcessProbe::Sample& sample, double seconds) const;
	static void writeFile(const std::string& path, const std::string& text);

	SoakSettings _settings;
	std::string _portFile;
	std::string _pidFile;
	bool _helpRequested = false;
	RunState _state;
	std::vector<ProcessProbe::Sample> _samples;
};


} // namespace NashSoak


#endif // NashSoak_SoakApplication_INCLUDED
