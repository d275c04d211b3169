// Runs between require.js and embed-amd.js on pages with widgets (nb_ipywidgets_js in _config.yml);
// scripts/vendor.py copies it next to them. It fixes two things the vendored widget manager gets wrong.
(function () {
  // 1. Fonts. The manager puts its font files at the folder of the require.js module URL of the module that
  //    embeds the CSS. By default that is the page's folder + "@jupyter-widgets/...", which does not exist.
  //    Map both modules that embed CSS to this folder, where scripts/vendor.py copies the fonts.
  var src = document.currentScript.src;
  var here = src.slice(0, src.lastIndexOf("/") + 1);
  window.require.config({
    paths: {
      "@jupyter-widgets/html-manager": here + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": here + "libembed-amd",
    },
  });

  // 2. Math in widget labels. The manager typesets with the MathJax 2 call MathJax.Hub.Queue(["Typeset",
  //    MathJax.Hub, element]) whenever window.MathJax exists; the book loads MathJax 3, which has no Hub, so
  //    every widget with a label threw. Widgets render on "load", after this listener (registered first) and
  //    after the deferred MathJax 3 script has run, so MathJax here is the MathJax 3 object.
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub || !mj.startup || !mj.typesetPromise) {
      return;
    }
    mj.Hub = {
      Queue: function (job) {
        var element = Array.isArray(job) ? job[2] : null;
        if (!element) {
          return;
        }
        // MathJax 3's documented way to queue a typeset after startup and after earlier typesets.
        mj.startup.promise = mj.startup.promise
          .then(function () {
            return mj.typesetPromise([element]);
          })
          .catch(function (err) {
            console.error("MathJax could not typeset a widget label:", err);
          });
      },
    };
  });
})();
