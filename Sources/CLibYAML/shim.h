// libyaml's event parser (Debian libyaml-dev), which AliasGuard reads before Yams composes a
// document. Yams bundles its own copy of the library as an internal target that is not a
// product, so CollectSim declares the system library instead; the two have the same structures.
#include <yaml.h>
