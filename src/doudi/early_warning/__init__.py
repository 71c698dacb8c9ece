"""Early warning (监测预警) over the monitored low-income population: departments' signals
(deaths, unemployment, new severe disability, medical costs beyond a share of income) and grid
workers' visits raise warnings, each with its severity, facts, township and deadline; the same
signal again is merged into the open warning, never a second one."""
