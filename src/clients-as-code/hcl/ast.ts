// The syntax tree of the HCL native syntax subset: expressions, and bodies of attributes and blocks.
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; line: number }
  | { kind: 'template'; parts: (string | Expr)[]; line: number }
  | { kind: 'tuple'; items: Expr[]; line: number }
  | { kind: 'object'; items: { key: Expr; value: Expr }[]; line: number }
  | { kind: 'variable'; name: string; line: number }
  | { kind: 'getattr'; target: Expr; name: string; line: number }
  | { kind: 'index'; target: Expr; key: Expr; line: number }
  | { kind: 'call'; name: string; args: Expr[]; expandLast: boolean; line: number }
  | {
      kind: 'for';
      object: boolean;
      keyVar: string | undefined;
      valueVar: string;
      collection: Expr;
      keyExpr: Expr | undefined;
      valueExpr: Expr;
      grouping: boolean;
      cond: Expr | undefined;
      line: number;
    }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; line: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { kind: 'conditional'; test: Expr; then: Expr; else: Expr; line: number };

export interface Attribute {
  name: string;
  expr: Expr;
  line: number;
}

export interface Block {
  type: string;
  labels: string[];
  body: Body;
  line: number;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}
