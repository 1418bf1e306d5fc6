//! Which names the page links for its built assets. cargo-leptos (`hash-files`) renames the
//! WASM, JS and CSS to `name.<hash>.ext` and writes their hashes to `hash.txt` beside the server
//! binary; Leptos reads that file when it renders the page. Those names are what lets
//! `headers::cache_policy` cache the assets for good, so a binary and a site folder from
//! different builds must not start: the page would link files that are not there. Nor does a
//! site built without `--split` (its page would not hydrate).

use leptos::prelude::LeptosOptions;
use std::path::{Path, PathBuf};

/// Turns hashed names on when the build left a hash file beside the binary (unless
/// `LEPTOS_HASH_FILES` says otherwise), and checks that every file it names is in the site.
pub fn resolve(options: &mut LeptosOptions) -> Result<(), String> {
    let hash_file = hash_file_path(options);
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = hash_file.exists();
    }
    let pkg_dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    check_split(&pkg_dir, &options.output_name)?;
    if !options.hash_files {
        return Ok(());
    }
    check(&hash_file, &pkg_dir, &options.output_name)
}

/// What the page's script imports for lazy routes when the build did not split the WASM
/// (cargo-leptos rewrites it to the split loader's name under `--split`).
const UNSPLIT_MARKER: &str = "__wasm_split_placeholder__";

/// My bets is a lazy route and answers are drawn by split code (`ui::rich`): a page built
/// without `--split` would not hydrate at all, so such a site does not start. No script at all (a server without a site, as in tests) is fine.
fn check_split(pkg_dir: &Path, output: &str) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(pkg_dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(output) && name.ends_with(".js")) {
            continue;
        }
        let script = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if script.contains(UNSPLIT_MARKER) {
            return Err(format!(
                "{} was built without `--split`, so the page would not hydrate (its lazy routes and \
                 split points need the split loader): build with `cargo leptos build --release --precompress --split` \
                 (or `cargo leptos watch --split`)",
                entry.path().display()
            ));
        }
    }
    Ok(())
}

/// Where Leptos looks: the hash file's name, relative to the running binary's folder.
fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(options.hash_file.as_ref())
}

/// Every `ext: hash` line of the hash file names a file `pkg_dir/{output}.{hash}.{ext}`.
fn check(hash_file: &Path, pkg_dir: &Path, output: &str) -> Result<(), String> {
    let hashes = std::fs::read_to_string(hash_file).map_err(|e| {
        format!(
            "hashed asset names are on but {} cannot be read ({e}): copy it from the build beside the binary",
            hash_file.display()
        )
    })?;
    let mut named = 0;
    for (ext, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
        let ext = ext.trim();
        if !matches!(ext, "js" | "wasm" | "css") {
            continue;
        }
        let file = pkg_dir.join(format!("{output}.{}.{ext}", hash.trim()));
        if !file.is_file() {
            return Err(format!(
                "{} names {}, which is not there: the binary, its hash file and the site folder must come from one build",
                hash_file.display(),
                file.display()
            ));
        }
        named += 1;
    }
    if named < 3 {
        return Err(format!(
            "{} does not name the js, wasm and css files",
            hash_file.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check, check_split, UNSPLIT_MARKER};

    #[test]
    fn a_page_built_without_split_does_not_start() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            check_split(&dir.path().join("none"), "app"),
            Ok(()),
            "no site"
        );
        let script = dir.path().join("app.AAAA.js");
        std::fs::write(&script, "import { load } from './__wasm_split.BBBB.js';").unwrap();
        std::fs::write(dir.path().join("other.js"), UNSPLIT_MARKER).unwrap();
        assert_eq!(check_split(dir.path(), "app"), Ok(()));
        std::fs::write(
            &script,
            format!("import {{ load }} from '{UNSPLIT_MARKER}';"),
        )
        .unwrap();
        let refused = check_split(dir.path(), "app").unwrap_err();
        assert!(refused.contains("--split"), "{refused}");
    }

    const HASHES: &str =
        "js: AAAAAAAAAAAAAAAAAAAAAA\nwasm: BBBBBBBBBBBBBBBBBBBBBB\ncss: CCCCCCCCCCCCCCCCCCCCCC\n";

    #[test]
    fn a_hash_file_must_match_the_site_it_is_served_with() {
        let dir = tempfile::tempdir().unwrap();
        let hash_file = dir.path().join("hash.txt");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(&hash_file, HASHES).unwrap();
        for name in [
            "app.AAAAAAAAAAAAAAAAAAAAAA.js",
            "app.BBBBBBBBBBBBBBBBBBBBBB.wasm",
        ] {
            std::fs::write(pkg.join(name), "x").unwrap();
        }
        let missing_css = check(&hash_file, &pkg, "app").unwrap_err();
        assert!(
            missing_css.contains("app.CCCCCCCCCCCCCCCCCCCCCC.css"),
            "{missing_css}"
        );

        std::fs::write(pkg.join("app.CCCCCCCCCCCCCCCCCCCCCC.css"), "x").unwrap();
        check(&hash_file, &pkg, "app").unwrap();

        std::fs::write(&hash_file, "js: AAAAAAAAAAAAAAAAAAAAAA\n").unwrap();
        assert!(check(&hash_file, &pkg, "app").is_err());
        assert!(check(&dir.path().join("none.txt"), &pkg, "app").is_err());
    }
}
