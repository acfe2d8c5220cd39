// CollectSimKit: the library a Swift program imports to load scenarios, run them, analyse the
// results and write run folders. It re-exports the modules; the documentation catalog beside
// this file gives the overview and a first article.
@_exported import Analysis
@_exported import Cluster
@_exported import CollectionsModel
@_exported import Engine
@_exported import Experiments
@_exported import Reports
@_exported import Scenario
@_exported import Stochastics
@_exported import Storage
