#!/usr/bin/env python3
"""Sets each core source file's namespace from its folder: files at the project root are in `CircuitBreaker`
(what an engine embeds), files under a top-level folder X (and its subfolders) are in `CircuitBreaker.X`.
Run after adding or moving files; `--check` lists mismatches and exits 1 (the layering test checks the same)."""
import os, re, sys
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'CircuitBreaker')
check = '--check' in sys.argv
bad = 0
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in ('bin', 'obj')]
    rel = os.path.relpath(d, root)
    want = 'CircuitBreaker' if rel == '.' else 'CircuitBreaker.' + rel.split(os.sep)[0]
    for f in files:
        if not f.endswith('.cs') or f == 'AssemblyInfo.cs':
            continue
        p = os.path.join(d, f)
        text = open(p, encoding='utf-8').read()
        m = re.search(r'^namespace ([\w.]+);', text, re.M)
        if m is None or m.group(1) == want:
            continue
        bad += 1
        if check:
            print(f'{os.path.relpath(p, root)}: namespace {m.group(1)}, folder says {want}')
        else:
            open(p, 'w', encoding='utf-8').write(text[:m.start(1)] + want + text[m.end(1):])
sys.exit(1 if check and bad else 0)
