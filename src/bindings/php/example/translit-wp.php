<?php
/*
 * Plugin Name: Translit (example)
 * Description: translit-wp.php: a minimal WordPress plugin over Translit.php:
 *   when an Uzbek post is saved, its other-script version (Latin <-> Cyrillic)
 *   is generated and stored in post meta, for the theme to show.
 */

declare(strict_types=1);

require_once __DIR__ . '/../Translit.php';

/* One Translit per request: it keeps its compiled converters. */
function translit_wp_instance(): Translit
{
    static $tl = null;
    return $tl ??= new Translit();
}

/**
 * The save_post hook: detects the script of the post, converts the title
 * (plain text) and the content (HTML: tags, attributes other than alt/title,
 * <code> and URLs are kept) to the other script, and stores both as
 * _translit_title / _translit_content with _translit_lang. A post that is
 * not Uzbek is left alone; a conversion error is logged and never blocks
 * the save.
 */
function translit_wp_save_post($post_id, $post, $update): void
{
    if (defined('DOING_AUTOSAVE') && DOING_AUTOSAVE) {
        return;
    }
    if (function_exists('wp_is_post_revision') && wp_is_post_revision($post_id)) {
        return;
    }
    $tl = translit_wp_instance();
    try {
        $lang = $tl->detect($post->post_title . "\n\n" . strip_tags($post->post_content))['lang'];
        $targets = ['uz-Latn' => 'uz-Cyrl', 'uz-Cyrl' => 'uz-Latn'];
        if (!isset($targets[$lang])) {
            return;
        }
        $to = $targets[$lang];
        $title = $tl->convert($post->post_title, $lang, $to);
        $content = $tl->convert($post->post_content, $lang, $to, ['html' => true]);
    } catch (TranslitException $e) {
        error_log("translit: post $post_id: " . $e->getMessage());
        return;
    }
    update_post_meta($post_id, '_translit_lang', $to);
    update_post_meta($post_id, '_translit_title', $title);
    update_post_meta($post_id, '_translit_content', $content);
}

if (function_exists('add_action')) {
    add_action('save_post', 'translit_wp_save_post', 10, 3);
}
