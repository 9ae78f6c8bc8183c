-- cite-refs.lua - after --citeproc, keep only the bibliography, one entry
-- per paragraph as "ID<TAB>reference", without Vancouver's numbers, so
-- that tests/cite-compare.sh can set each beside evidence's own.
local function is_number(inline)
  return inline.t == 'Span' and inline.classes:includes('csl-left-margin')
end

function Pandoc(doc)
  local out = {}
  doc:walk({ Div = function(d)
    if d.identifier:match('^ref%-') then
      local line = { pandoc.Str(d.identifier:sub(5)), pandoc.Str('\t') }
      for _, i in ipairs(pandoc.utils.blocks_to_inlines(d.content)) do
        if not is_number(i) then table.insert(line, i) end
      end
      table.insert(out, pandoc.Para(line))
    end
  end })
  return pandoc.Pandoc(out, doc.meta)
end
