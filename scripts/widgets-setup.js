// Runs between require.js and embed-amd.js on pages with widgets (nb_ipywidgets_js in _config.yml);
// scripts/vendor.py copies it next to them. It fixes three things the vendored widget manager gets wrong.
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

  // 3. Names and states of the controls (WCAG 4.1.2; the browser tests check them with axe-core and the keyboard).
  //    The manager (@jupyter-widgets/controls 5, noUiSlider inside) draws a slider's handle as role="slider" with
  //    no name: a screen reader said "slider, 4" with no hint of "learning rate" (axe-core: aria-input-field-name).
  //    Its readout is contenteditable with no name; aria-valuetext is the option's index ("4") where the reader sees
  //    "1"; a toggle-button group does not say which button is on; and a label without tooltip gets title="null".
  //    Each control is named by its own visible label, and kept up to date as the widgets change.
  var labelCount = 0;
  function visibleLabel(widget) {
    var label = widget.querySelector(":scope > .widget-label");
    if (!label || label.style.display === "none" || !label.textContent.trim()) {
      return null;
    }
    if (!label.id) {
      labelCount += 1;
      label.id = "widget-label-" + labelCount;
    }
    return label;
  }
  function setAttr(element, name, value) {
    if (element && element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }
  function nameControls(root) {
    root.querySelectorAll('.widget-label[title="null"]').forEach(function (label) {
      label.removeAttribute("title");
    });
    root.querySelectorAll(".widget-slider").forEach(function (widget) {
      var label = visibleLabel(widget);
      var readout = widget.querySelector(":scope > .widget-readout");
      widget.querySelectorAll('[role="slider"]').forEach(function (handle) {
        if (label) {
          setAttr(handle, "aria-labelledby", label.id);
        }
        if (readout && readout.textContent.trim()) {
          setAttr(handle, "aria-valuetext", readout.textContent.trim());
        }
      });
      if (label && readout) {
        setAttr(readout, "aria-labelledby", label.id);
      }
    });
    root.querySelectorAll(".widget-toggle-buttons").forEach(function (widget) {
      var label = visibleLabel(widget);
      var group = widget.querySelector(":scope > div");
      setAttr(group, "role", "group");
      if (label) {
        setAttr(group, "aria-labelledby", label.id);
      }
      widget.querySelectorAll("button").forEach(function (button) {
        setAttr(button, "aria-pressed", String(button.classList.contains("mod-active")));
      });
    });
  }
  // Widgets render after "load" and change as the reader moves them: fix whatever changed inside a widget.
  function inWidget(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    return !!(element && element.closest(".widget-subarea, .jupyter-widgets"));
  }
  new MutationObserver(function (mutations) {
    if (mutations.some(function (m) { return inWidget(m.target); })) {
      nameControls(document);
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["class", "aria-valuenow", "aria-valuetext", "title"],
  });
})();
