// Ink writes only its final frame when it believes it runs in CI (is-in-ci reads CI at import),
// which would leave ink-testing-library's lastFrame() empty under CI=true: the tests render as
// in a terminal. The real binary's end-to-end tests start it with CI removed too.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
