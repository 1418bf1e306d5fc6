# Single-container deployment: build with cargo-leptos, run the binary and its site folder on
# slim Debian, configured only by environment variables (see README "Configuration").
#   docker build -t professor-lock .
#   docker run -p 8080:8080 -v pl-data:/data professor-lock
FROM rust:1.95-bookworm AS build
# Node 20 for the Tailwind v4 CLI and binaryen's wasm-opt (npm), as in development.
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=node:20-bookworm-slim /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s /usr/local/lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
RUN rustup target add wasm32-unknown-unknown \
 && CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --locked --version 0.3.10 \
 && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN cargo leptos build --release --precompress --split && scripts/compress-site && strip target/release/professor_lock

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app app \
 && mkdir -p /data && chown app /data
WORKDIR /app
COPY --from=build /src/target/release/professor_lock /app/professor_lock
# The hashed asset names the page links (read beside the binary).
COPY --from=build /src/target/release/hash.txt /app/hash.txt
COPY --from=build /src/target/site /app/site
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    LEPTOS_ENV=PROD \
    DATA_DIR=/data \
    PL_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fs http://127.0.0.1:8080/health || exit 1
STOPSIGNAL SIGTERM
CMD ["/app/professor_lock"]
