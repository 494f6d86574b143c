<?php
/* test_translit.php: the PHP class gives what the translit command gives
 * (sample article both ways, spell-check, normalize, detect), reports errors
 * with the library's message, and the WordPress example's save_post hook
 * stores the other script's version. Exits 1 on any failure. Run by CTest:
 * php -d ffi.enable=1 test_translit.php (env TRANSLIT_LIB, TRANSLIT_CLI). */

declare(strict_types=1);

$root = getenv('TL_SOURCE_DIR') ?: dirname(__DIR__, 4);
$cli = getenv('TRANSLIT_CLI') ?: "$root/build/translit";
$sample = "$root/tests/data/sample";

$failures = 0;
$checks = 0;
function check(bool $ok, string $what, $expected = null, $actual = null): void
{
    global $failures, $checks;
    $checks++;
    if (!$ok) {
        $failures++;
        fwrite(STDERR, "FAIL: $what\n");
        if (func_num_args() > 2) {
            fwrite(STDERR, '  expected: ' . var_export($expected, true) . "\n");
            fwrite(STDERR, '  actual:   ' . var_export($actual, true) . "\n");
        }
    }
}
function check_eq($expected, $actual, string $what): void
{
    check($expected === $actual, $what, $expected, $actual);
}

/** Runs the command; returns [stdout, stderr, exit status]. */
function run(array $args, string $stdin = ''): array
{
    global $cli;
    $p = proc_open(array_merge([$cli], $args),
        [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    fwrite($pipes[0], $stdin);
    fclose($pipes[0]);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    return [$out, $err, proc_close($p)];
}

require_once __DIR__ . '/../Translit.php';
$tl = new Translit();
check(str_contains(run(['--version'])[0], $tl->version()), 'version as the command says');

// The sample article, both ways, equals the command's output.
foreach ([['uz-Cyrl', 'uz-Latn'], ['uz-Latn', 'uz-Cyrl']] as [$from, $to]) {
    $file = "$sample/article.$from.txt";
    [$expected, , $rc] = run(['-f', $from, '-t', $to, $file]);
    check_eq(0, $rc, "command converts $file");
    check_eq($expected, $tl->convert(file_get_contents($file), $from, $to), "article $from -> $to");
}
check_eq("O'zbekiston", $tl->convert('Ўзбекистон', 'uz-Cyrl', 'uz-Latn', ['apostrophe' => 'ascii']),
    'apostrophe option');
check_eq('Shchukin', $tl->convert('Щукин', 'ru', 'ru-Latn', ['scheme' => 'icao']), 'scheme option');

// Spell-check of the article equals `translit spell --json`.
$cache = sys_get_temp_dir() . '/translit-php-test-' . getmypid();
@mkdir($cache);
foreach (['uz-Cyrl', 'uz-Latn'] as $lang) {
    $file = "$sample/article.$lang.txt";
    [$out, $err, $rc] = run(['spell', '--json', '--cache-dir', $cache, $file]);
    check_eq(1, $rc, "command finds misspellings in $file ($err)");
    $expected = [];
    foreach (explode("\n", trim($out)) as $line) {
        $e = json_decode($line, true);
        unset($e['file']);
        $e['reason'] ??= null;
        ksort($e);
        $expected[] = $e;
    }
    $got = array_map(function ($w) { ksort($w); return $w; },
        $tl->spell(file_get_contents($file), null, ['cache_dir' => $cache]));
    check(count($got) > 0, "article $lang has flagged words");
    check_eq($expected, $got, "spell-check of article $lang");
}

// Normalize and detect equal the command.
$text = "O'zbekiston  va  g`alaba\u{200B}  Тошкент\r\n";
check_eq(run(['normalize'], $text)[0], $tl->normalize($text), 'normalize');
[$out] = run(['detect', "$sample/article.ru.txt"]);
[$lang, $conf] = explode("\t", trim($out));
$d = $tl->detect(file_get_contents("$sample/article.ru.txt"));
check_eq($lang, $d['lang'], 'detect language');
check(abs($d['confidence'] - (float)$conf) <= 0.005, 'detect confidence', $conf, $d['confidence']);

// Errors carry the library's message and position.
$bad = "Тошкент\nшаҳри \xFF яхши";
[, $err, $rc] = run(['-f', 'uz-Cyrl', '-t', 'uz-Latn'], $bad);
check_eq(2, $rc, 'command fails on invalid UTF-8');
try {
    $tl->convert($bad, 'uz-Cyrl', 'uz-Latn');
    check(false, 'invalid UTF-8 raises');
} catch (TranslitException $e) {
    check_eq('TL_EUTF8', $e->status, 'status name');
    check_eq(strlen("Тошкент\nшаҳри "), $e->offset, 'byte offset');
    check_eq([2, 7], [$e->inputLine, $e->inputColumn], 'line and column');
    $msg = substr($e->getMessage(), strlen('TL_EUTF8: '));
    check(str_contains($err, $msg), 'same message as the command', $err, $msg);
}
check_eq("Toshkent\nshahri \u{FFFD} yaxshi", $tl->convert($bad, 'uz-Cyrl', 'uz-Latn', ['replace' => true]),
    'replace option');
foreach ([['ru', 'ru-Latn', ['scheme' => 'nope'], 'TL_ENOTFOUND'],
          ['en', 'uz-Cyrl', [], 'TL_EUNSUPPORTED'],
          ['xx', 'uz-Cyrl', [], 'TL_EINVAL']] as [$from, $to, $opts, $status]) {
    try {
        $tl->convert('x', $from, $to, $opts);
        check(false, "$from -> $to raises $status");
    } catch (TranslitException $e) {
        check_eq($status, $e->status, "$from -> $to");
        check(null === $e->offset, 'no input offset for a setup error');
    }
}
check_eq('Toshkent', $tl->convert('Тошкент', 'uz-Cyrl', 'uz-Latn'), 'works after errors');

// The WordPress example: call the save_post hook with a fake post.
$meta = [];
$logged = [];
function update_post_meta($id, $key, $value) { global $meta; $meta[$id][$key] = $value; return true; }
function wp_is_post_revision($id) { return $id === 99; }
require_once __DIR__ . '/../example/translit-wp.php';
$html = '<h2 title="Янгилик">Тошкент шаҳрида</h2>' . "\n"
    . '<p>Батафсил: <a href="https://kun.uz/uz/news">сайтда</a>, <code>код</code>.</p>';
$post = (object)['ID' => 42, 'post_type' => 'post',
    'post_title' => 'Тошкентда халқаро конференция', 'post_content' => $html];
translit_wp_save_post(42, $post, true);
check_eq('uz-Latn', $meta[42]['_translit_lang'] ?? null, 'hook detects uz-Cyrl');
check_eq(run(['-f', 'uz-Cyrl', '-t', 'uz-Latn'], $post->post_title)[0], $meta[42]['_translit_title'] ?? null,
    'hook title');
check_eq(run(['-f', 'uz-Cyrl', '-t', 'uz-Latn', '--html'], $html)[0], $meta[42]['_translit_content'] ?? null,
    'hook content as HTML');
check(str_contains($meta[42]['_translit_content'] ?? '', '<code>код</code>'), 'code kept');
$latn = (object)['ID' => 43, 'post_title' => 'Oʻzbekiston', 'post_content' => '<p>Yangi maktab ochildi</p>'];
translit_wp_save_post(43, $latn, false);
check_eq('<p>Янги мактаб очилди</p>', $meta[43]['_translit_content'] ?? null, 'hook Latin -> Cyrillic');
translit_wp_save_post(44, (object)['post_title' => 'Hello', 'post_content' => '<p>An English post.</p>'], false);
check(!isset($meta[44]), 'an English post is left alone');
translit_wp_save_post(99, $post, true);
check(!isset($meta[99]), 'revisions are skipped');
$bad_post = (object)['post_title' => 'Тошкент', 'post_content' => "Тошкент \xFF шаҳри"];
ini_set('error_log', $log = "$cache/error.log");
translit_wp_save_post(45, $bad_post, false);
check(!isset($meta[45]), 'a failed conversion stores nothing');
check(str_contains((string)@file_get_contents($log), 'TL_EUTF8'), 'and is logged');

array_map('unlink', glob("$cache/*") ?: []);
@rmdir($cache);
unset($tl);
echo "php binding: $checks checks, $failures failed\n";
exit($failures ? 1 : 0);
