// Configuration: the spec helper every loader reads the environment with, the variables every service
// shares, and the rendering of docs/CONFIGURATION.md from the services' specs.
export {
  bool,
  ConfigError,
  type Doc,
  type Env,
  int,
  intFromEnv,
  type Kind,
  list,
  num,
  oneOf,
  onOff,
  readEnv,
  readVar,
  type Spec,
  str,
  url,
  type Values,
  type Var,
} from './env-spec.js';
export { instanceIdVar, LOG_LEVELS, loadConfig, type PlatformConfig, platformConfigSpec } from './platform.js';
