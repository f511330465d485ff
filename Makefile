# The two commands that matter: `make run` opens Tandem, `make test` runs every
# test. Both install whatever is missing first (see scripts/bootstrap).
.PHONY: run test ui bindings e2e bench bundle package-test clean

run:
	scripts/run

test:
	scripts/test

# Build the web UI that the app embeds.
ui:
	scripts/bootstrap run
	cd ui && npm run build

# Regenerate ui/src/lib/bindings.ts from the Rust types that cross IPC.
bindings: ui
	TANDEM_UPDATE_BINDINGS=1 cargo test -p tandem-app --lib bindings

# End-to-end tests only, against the current debug build.
e2e: ui
	scripts/bootstrap test
	cargo build -p tandem-app -p tandem-cli -p tandem-tray
	scripts/e2e

# Release sizes, start-up and idle memory of the real app.
bench:
	scripts/bench

# The release: .deb, .rpm and the admin templates, with SHA256SUMS, in
# target/release/dist/tandem-<version>/; `make package-test` installs them.
bundle:
	scripts/bundle

package-test: bundle
	scripts/package-test

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules .tools artifacts
